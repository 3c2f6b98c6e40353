from django.urls import path

from tidings.transparency import export_views, views

app_name = "transparency"

urlpatterns = [
    path("transparency/notices/<str:demand_id>", views.demand_notice, name="demand_notice"),
    path("transparency/audit/checkpoints", views.audit_checkpoints, name="audit_checkpoints"),
    path(
        "transparency/withholdings/<str:withholding_id>",
        views.withholding_notice,
        name="withholding_notice",
    ),
    # Exports to the public databases.
    path(
        "transparency/notices/<str:demand_id>/lumen.json",
        export_views.lumen_notice_download,
        name="lumen_notice",
    ),
]
