"""Existing companies' default templates get the portal paragraph (%LIEN_PORTAIL%), like a
new company's; a template its company changed is left as written (its words are the
company's: the template editor lists the keyword for them to add)."""

from django.db import migrations


def add_portal_link(apps, schema_editor):
    from reminders.defaults import default_wording

    Template = apps.get_model("reminders", "Template")
    Level = apps.get_model("dunning", "Level")
    last_rank = {}
    for policy_id, rank in Level.objects.values_list("policy_id", "rank"):
        last_rank[policy_id] = max(last_rank.get(policy_id, 0), rank)
    rows = Template.objects.exclude(body_html__contains="%LIEN_PORTAIL%").select_related(
        "level__policy"
    )
    for t in rows.iterator():
        if t.language not in ("fr", "en"):
            continue
        is_last = t.level.rank == last_rank.get(t.level.policy_id)
        old = default_wording(t.level, t.channel, t.language, is_last, portal=False)
        new = default_wording(t.level, t.channel, t.language, is_last)
        text = "" if t.channel == "letter" else old[1]
        if (t.subject, t.body_text, t.body_html) == (old[0], text, old[2]) and new != old:
            t.body_text = "" if t.channel == "letter" else new[1]
            t.body_html = new[2]
            t.save(update_fields=["body_text", "body_html"])


class Migration(migrations.Migration):
    dependencies = [("reminders", "0004_i19_undelivered"), ("dunning", "0005_i18_swiss_late_charges")]

    operations = [migrations.RunPython(add_portal_link, migrations.RunPython.noop)]
