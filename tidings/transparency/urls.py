from django.urls import path

from tidings.transparency import export_views, report_views, views

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
    # Exports to the public databases.
    path(
        "transparency/notices/<str:demand_id>/lumen.json",
        export_views.lumen_notice_download,
        name="lumen_notice",
    ),
    # The transparency report: its page, charts and downloads.
    path("transparency", report_views.report_page, name="report"),
    path("transparency/report.json", report_views.report_json, name="report_json"),
    path("transparency/report.csv", report_views.report_csv, name="report_csv"),
    path("transparency/charts/<str:name>.svg", report_views.report_chart, name="report_chart"),
]
