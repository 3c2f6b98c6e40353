from django.urls import path

from tidings.transparency import views

app_name = "transparency"

urlpatterns = [
    # Public notices: the list, its feed, and the audit checkpoints for people.
    path("transparency/notices", views.notices, name="notices"),
    path("transparency/notices.atom", views.notices_feed, name="notices_feed"),
    path("transparency/audit", views.audit_page, name="audit"),
    path("transparency/notices/<str:demand_id>", views.demand_notice, name="demand_notice"),
    path("transparency/audit/checkpoints", views.audit_checkpoints, name="audit_checkpoints"),
    path(
        "transparency/withholdings/<str:withholding_id>",
        views.withholding_notice,
        name="withholding_notice",
    ),
]
