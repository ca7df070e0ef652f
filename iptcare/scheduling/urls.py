from django.urls import path

from iptcare.scheduling import views

app_name = "scheduling"

urlpatterns = [
    # Public (no login)
    path("book/", views.public_book, name="public_book"),
    path("book/sent/", views.public_book_sent, name="public_book_sent"),
    path("book/confirm/<str:token>/", views.public_confirm, name="public_confirm"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    # Client portal
    path("my/", views.my_appointments, name="my_appointments"),
    path("my/book/", views.my_book, name="my_book"),
    path("my/<id:appointment_id>/cancel/", views.my_cancel, name="my_cancel"),
    path("my/<id:appointment_id>/move/", views.my_reschedule, name="my_reschedule"),
    path("my/<id:appointment_id>/calendar.ics", views.my_ics, name="my_ics"),
    path("my/receipts/", views.my_receipts, name="my_receipts"),
    path("my/receipts/<id:invoice_id>.pdf", views.my_receipt_pdf, name="my_receipt_pdf"),
    # Staff
    path("", views.schedule, name="schedule"),
    path("new/", views.staff_book, name="staff_book"),
    path("clients/<id:client_id>/", views.client_appointments, name="client_appointments"),
    path("appointments/<id:appointment_id>/", views.appointment_detail, name="appointment"),
    path("appointments/<id:appointment_id>/mark/", views.appointment_mark, name="appointment_mark"),
    path(
        "appointments/<id:appointment_id>/cancel/",
        views.appointment_cancel,
        name="appointment_cancel",
    ),
    path("hours/", views.availability, name="availability"),
    path(
        "hours/<id:availability_id>/remove/",
        views.availability_remove,
        name="availability_remove",
    ),
    path("time-off/<id:exception_id>/remove/", views.time_off_remove, name="time_off_remove"),
    path("calendar-feed/", views.calendar_feed, name="calendar_feed"),
    path("invoices/", views.invoices, name="invoices"),
    path("invoices/<id:invoice_id>/", views.invoice_detail, name="invoice"),
    path("invoices/<id:invoice_id>/receipt.pdf", views.invoice_receipt, name="invoice_receipt"),
    path("settings/", views.settings_page, name="settings"),
]
