from django.urls import path

from . import import_mapping, imports, views
from .screens import (
    batches,
    charges,
    customer_edit,
    customers,
    documents,
    files,
    mailcheck,
    online_payment,
    outbox,
    portal_staff,
    refresh,
    replies,
    setup,
    templates_editor,
    welcome,
)
from .screens import worklist as wl

urlpatterns = [
    path("", views.home, name="home"),
    path("bienvenue/", welcome.create_company, name="welcome"),
    path("import/", imports.import_view, name="import"),
    path("import/mise-a-jour/<str:task_id>/", refresh.refresh_status, name="import_refresh"),
    path("import/correspondances/<str:token>/", import_mapping.mapping_view, name="import_mapping"),
    # Relance des factures (the worklist) and its session-only removals
    path("relance/", wl.worklist_screen, name="worklist"),
    path("relance/mettre-a-jour/", refresh.worklist_refresh, name="worklist_refresh"),
    path("relance/options/", wl.save_options, name="worklist_options"),
    path("relance/enlever/", wl.remove_selected, name="worklist_remove"),
    path("relance/remettre/", wl.undo_remove, name="worklist_undo"),
    # Reminders: preview → send → summary; letters; phone calls
    path("relances/apercu/", batches.batch_preview, name="batch_preview"),
    path("relances/envoyer/", batches.batch_send, name="batch_send"),
    path("relances/lots/<int:pk>/", batches.batch_summary, name="batch_summary"),
    path("relances/lots/<int:pk>/courriers.pdf", batches.batch_letters, name="batch_letters"),
    path("relances/appel/", batches.call_new, name="call_new"),
    # À vérifier / Envois en échec: the reminders a person decides on
    path("relances/a-verifier/", outbox.review_list, name="outbox_review"),
    path("relances/a-verifier/<int:pk>/parti/", outbox.review_mark_sent, name="outbox_mark_sent"),
    path("relances/a-verifier/<int:pk>/renvoyer/", outbox.review_retry, name="outbox_retry"),
    path("relances/a-verifier/<int:pk>/annuler/", outbox.review_cancel, name="outbox_cancel"),
    # Documents
    path("factures/", documents.invoice_list, name="invoice_list"),
    path("devis/", documents.quote_list, name="quote_list"),
    path("pieces/<int:pk>/", documents.document_detail, name="document_detail"),
    path("pieces/<int:pk>/blocage/", documents.document_stop, name="document_stop"),
    path("pieces/<int:pk>/pdf/", files.document_pdf, name="document_pdf"),
    path("pieces/<int:pk>/abandon/", charges.document_waive, name="document_waive"),
    # Customers
    path("clients/", customers.customer_list, name="customer_list"),
    path("clients/<int:pk>/", customers.customer_detail, name="customer_detail"),
    path("clients/<int:pk>/notes/", customers.customer_notes, name="customer_notes"),
    path("clients/<int:pk>/modifier/", customer_edit.customer_edit, name="customer_edit"),
    path("clients/<int:pk>/blocage/", customers.customer_block, name="customer_block"),
    path("clients/<int:pk>/promesse/", customers.customer_promise, name="customer_promise"),
    path(
        "clients/<int:pk>/penalites/",
        charges.customer_invoice_charges,
        name="customer_invoice_charges",
    ),
    # the customer portal, the collector's side (the customer's is web/portal_urls.py)
    path("clients/<int:pk>/portail/", portal_staff.customer_portal, name="customer_portal"),
    path(
        "clients/<int:pk>/portail/desactiver/",
        portal_staff.customer_portal_revoke,
        name="customer_portal_revoke",
    ),
    path("echeanciers/<int:pk>/", portal_staff.plan_decide, name="plan_decide"),
    path("parametres/portail/", portal_staff.portal_settings, name="settings_portal"),
    # Settings
    path("reponses/", replies.reply_list, name="replies"),
    path("reponses/<int:pk>/", replies.reply_handle, name="reply_handle"),
    path("reponses/fichiers/<int:pk>/", replies.reply_file, name="reply_file"),
    path("parametres/messagerie/", replies.mailbox_settings, name="settings_mailbox"),
    path(
        "parametres/paiement-en-ligne/",
        online_payment.online_payment_settings,
        name="settings_online_payment",
    ),
    path("parametres/", setup.company_settings, name="settings_company"),
    path("parametres/logo/", files.company_logo, name="company_logo"),
    path("parametres/email-essai/", mailcheck.test_email, name="settings_test_email"),
    path("parametres/procedures/", setup.policy_list, name="settings_policies"),
    path("parametres/procedures/nouvelle/", setup.policy_edit, name="settings_policy_new"),
    path("parametres/procedures/<int:pk>/", setup.policy_edit, name="settings_policy"),
    path("parametres/modeles/", templates_editor.template_list, name="settings_templates"),
    path(
        "parametres/modeles/nouveau/", templates_editor.template_edit, name="settings_template_new"
    ),
    path("parametres/modeles/<int:pk>/", templates_editor.template_edit, name="settings_template"),
    path(
        "parametres/modeles/apercu/",
        templates_editor.template_preview,
        name="settings_template_preview",
    ),
    path("parametres/utilisateurs/", setup.users, name="settings_users"),
    path("parametres/utilisateurs/<int:pk>/", setup.user_update, name="settings_user"),
]
