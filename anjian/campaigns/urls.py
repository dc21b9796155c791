from __future__ import annotations

from django.urls import path

from anjian.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/tasks/new/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/complete/", views.task_complete, name="task_complete"),
    # 考核: schemes (考核细则) and monthly assessments (月度考核)
    path("<int:pk>/assessment/", views.assessment_home, name="assessment_home"),
    path("<int:pk>/schemes/new/", views.scheme_create, name="scheme_create"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme"),
    path("schemes/<int:pk>/edit/", views.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/items/", views.item_add, name="item_add"),
    path("schemes/<int:pk>/items/<int:item>/remove/", views.item_remove, name="item_remove"),
    path("schemes/<int:pk>/items/<int:item>/overrides/", views.item_overrides, name="item_overrides"),
    path("schemes/<int:pk>/compute/", views.assessment_compute, name="assessment_compute"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/recompute/", views.assessment_recompute, name="assessment_recompute"),
    path("assessments/<int:pk>/adjustments/", views.adjustment_add, name="adjustment_add"),
    path("adjustments/<int:pk>/remove/", views.adjustment_remove, name="adjustment_remove"),
    path("assessments/<int:pk>/publish/", views.assessment_publish, name="assessment_publish"),
    path("assessments/<int:pk>/ranking.xlsx", views.assessment_xlsx, name="assessment_xlsx"),
    path("assessments/<int:pk>/notice.docx", views.assessment_docx, name="assessment_docx"),
]
