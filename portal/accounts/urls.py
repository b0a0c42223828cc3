from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/authenticator/", views.TotpEnrolView.as_view(), name="enrol"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("tokens/", views.ApiTokensView.as_view(), name="tokens"),
]
