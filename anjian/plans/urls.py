from __future__ import annotations

from django.urls import path

from anjian.plans import views

app_name = "plans"
urlpatterns = [
    path("draws/", views.draw_list, name="list"),
    path("draws/new/", views.draw_create, name="create"),
    path("draws/pool/", views.draw_pool, name="pool"),
    path("draws/<int:pk>/", views.draw_detail, name="detail"),
    path("draws/<int:pk>/publish/", views.draw_publish, name="publish"),
    path("draws/<int:pk>/xlsx/", views.draw_download, name="xlsx"),
    # 年度监督检查计划
    path("annual/", views.annual_list, name="annual_list"),
    path("annual/new/", views.annual_create, name="annual_create"),
    path("annual/capacity/", views.annual_capacity, name="annual_capacity"),
    path("annual/<int:pk>/", views.annual_detail, name="annual_detail"),
    path("annual/<int:pk>/edit/", views.annual_edit, name="annual_edit"),
    path("annual/<int:pk>/generate/", views.annual_generate, name="annual_generate"),
    path("annual/<int:pk>/items/add/", views.annual_item_add, name="annual_item_add"),
    path("annual/<int:pk>/items/suggest/", views.annual_suggest, name="annual_suggest"),
    path("annual/<int:pk>/items/<int:item>/times/", views.annual_item_times, name="annual_item_times"),
    path("annual/<int:pk>/items/<int:item>/remove/", views.annual_item_remove, name="annual_item_remove"),
    path("annual/<int:pk>/approve/", views.annual_approve, name="annual_approve"),
    path("annual/<int:pk>/unplanned/", views.annual_unplanned, name="annual_unplanned"),
    path("annual/<int:pk>/xlsx/", views.annual_download, name="annual_xlsx"),
]
