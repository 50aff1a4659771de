from django.contrib.auth import views as auth_views
from django.urls import include, path

from palermo.web.forms import SignInForm
from palermo.web.views import account, as_of, case_parts, cases, home, persons, returns, screening
from palermo.web.views.questionnaires_interviews import case_interviews

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("account/login/", auth_views.LoginView.as_view(
        template_name="web/login.html", authentication_form=SignInForm,
        redirect_authenticated_user=True), name="login"),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/two-factor/", account.two_factor, name="two_factor"),
    path("account/switch/", account.switch_organisation, name="switch_organisation"),
    path("account/tokens/", account.tokens, name="tokens"),
    path("account/tokens/<int:pk>/revoke/", account.revoke_token, name="revoke_token"),
    path("cases/", cases.case_list, name="case_list"),
    path("cases/new/", cases.case_create, name="case_create"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/", cases.case_edit, name="case_edit"),
    path("cases/<int:pk>/history/", cases.case_history, name="case_history"),
    path("cases/<int:pk>/notes/", cases.case_add_note, name="case_add_note"),
    path("cases/<int:pk>/events/", cases.case_add_event, name="case_add_event"),
    path("cases/<int:pk>/consents/", case_parts.consent_add, name="case_consent_add"),
    path("cases/<int:pk>/services/", case_parts.service_add, name="case_service_add"),
    path("cases/<int:pk>/services/<int:sid>/", case_parts.service_change,
         name="case_service_change"),
    path("cases/<int:pk>/referrals/", case_parts.referral_send, name="case_referral_send"),
    path("cases/<int:pk>/follow-ups/", case_parts.follow_up_add, name="case_follow_up_add"),
    path("cases/<int:pk>/follow-ups/<int:fid>/", case_parts.follow_up_record,
         name="case_follow_up_record"),
    path("cases/<int:pk>/screening/", screening.screening_record, name="case_screening"),
    path("cases/<int:pk>/interviews/", case_interviews,
         name="case_interviews"),
    path("screenings/<int:sid>/<str:verdict>/", screening.screening_review,
         name="screening_review"),
    path("referrals/", case_parts.referral_list, name="referral_list"),
    path("referrals/<int:rid>/accept/", case_parts.referral_accept, name="referral_accept"),
    path("referrals/<int:rid>/decline/", case_parts.referral_decline, name="referral_decline"),
    path("referrals/<int:rid>/complete/", case_parts.referral_complete,
         name="referral_complete"),
    path("cases/<int:pk>/return/", returns.return_start, name="return_start"),
    path("returns/<int:rid>/advance/", returns.return_advance, name="return_advance"),
    path("returns/<int:rid>/plan/", returns.return_plan, name="return_plan"),
    path("returns/<int:rid>/actions/", returns.return_action_add, name="return_action_add"),
    path("returns/<int:rid>/actions/<int:aid>/done/", returns.return_action_done,
         name="return_action_done"),
    path("returns/<int:rid>/budget/", returns.return_budget, name="return_budget"),
    path("returns/<int:rid>/payments/", returns.return_disburse, name="return_disburse"),
    path("returns/<int:rid>/payments/<int:did>/receipt/", returns.return_receipt,
         name="return_receipt"),
    path("cases/persons/", persons.person_list, name="person_list"),
    path("cases/persons/new/", persons.person_create, name="person_create"),
    path("cases/persons/<int:pk>/", persons.person_detail, name="person_detail"),
    path("cases/persons/<int:pk>/edit/", persons.person_edit, name="person_edit"),
    path("cases/persons/check/", persons.person_check, name="person_check"),
    path("cases/persons/<int:pk>/merge/", persons.person_merge, name="person_merge"),
    path("cases/persons/<int:pk>/erase/", persons.person_erase, name="person_erase"),
    path("cases/persons/<int:pk>/export/", persons.person_export, name="person_export"),
    path("cases/persons/<int:pk>/as-of/", as_of.person_as_of, name="person_as_of"),
    path("cases/<int:pk>/as-of/", as_of.case_as_of, name="case_as_of"),
    # Each module's pages have their own URL file (they are owned by that module's views).
    path("forms/", include("palermo.web.urls_questionnaires")),
    path("reports/", include("palermo.web.urls_analytics")),
    path("exchange/", include("palermo.web.urls_exchange")),
]
