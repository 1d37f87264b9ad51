from site import views

from django.urls import path

urlpatterns = [path("orders/", views.orders)]
