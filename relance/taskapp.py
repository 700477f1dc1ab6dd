"""django_tasks_db under a name the admin can show in French and English (its own
verbose name, « Tasks Database Backend », is not translated)."""

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TasksDbConfig(TasksAppConfig):
    verbose_name = _("Tâches en arrière-plan")
