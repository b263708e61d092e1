"""Pages of the random inspections (双随机、一公开), under /reports/."""

from django.urls import path

from . import views_inspections as views

urlpatterns = [
    path("inspections/", views.inspections, name="inspections"),
    path("inspections/draw/", views.inspection_draw_page, name="inspection_draw"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/mine/", views.inspector_home, name="inspector_home"),
    path("inspections/items/<int:pk>/", views.inspection_item, name="inspection_item"),
    path("inspectors/", views.inspectors, name="inspectors"),
    path(
        "inspectors/links/<int:pk>/delete/",
        views.inspector_link_delete,
        name="inspector_link_delete",
    ),
    path("public/inspections/", views.inspection_public, name="inspection_public"),
]
