from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("work-plans", views.WorkPlanViewSet, basename="work-plan")
router.register("key-tasks", views.KeyTaskViewSet, basename="key-task")
router.register("measures", views.MeasureViewSet, basename="measure")
router.register("checkpoints", views.CheckpointViewSet, basename="checkpoint")
router.register("progress-reports", views.ProgressReportViewSet, basename="progress-report")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("investment-plans", views.InvestmentPlanViewSet, basename="investment-plan")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("monthly-progress", views.MonthlyProgressViewSet, basename="monthly-progress")
router.register("enterprises", views.EnterpriseViewSet, basename="enterprise")
router.register("vehicles", views.VehicleViewSet, basename="vehicle")
router.register("hazards", views.HazardViewSet, basename="hazard")
router.register("hazard-transitions", views.HazardTransitionViewSet, basename="hazard-transition")
router.register("inspections", views.InspectionViewSet, basename="inspection")
router.register("draws", views.DrawViewSet, basename="draw")
router.register("checklist-submissions", views.ChecklistSubmissionViewSet, basename="checklist-submission")
router.register("duty-assignments", views.DutyAssignmentViewSet, basename="duty-assignment")
router.register("units", views.UnitViewSet, basename="unit")
router.register("drivers", views.DriverViewSet, basename="driver")

app_name = "api"
urlpatterns = [
    path("v1/investment-summary/", views.InvestmentSummaryView.as_view(), name="investment-summary"),
    path("v1/indicators/", views.IndicatorsView.as_view(), name="indicators"),
    path("v1/monitoring-figures/", views.MonitoringFiguresView.as_view(), name="monitoring-figures"),
    path("v1/deletions/", views.DeletionListView.as_view(), name="deletion-list"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),  # no inline script (CSP)
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    re_path(r"^(?P<path>.*/)$", views.not_found),  # after every route; without the slash, APPEND_SLASH redirects
]
