"""Model instances made in bulk without Model.__init__, for the upserts' big batches.

Model.__init__ walks every field of the model for every instance (defaults, descriptors,
signals): an import of 100,000 invoices spent a fifth of its time there. The models the
upserts build have no pre_init/post_init receivers, so an instance is its field values
in its __dict__ and a ModelState, exactly what __init__ would have left.
"""

from django.db import connection
from django.db.models.base import ModelState


class Maker:
    """New (unsaved) instances of one model, its defaults worked out once."""

    def __init__(self, model):
        self.model = model
        fields = model._meta.concrete_fields
        self.constant = {}
        self.computed = []  # fields whose default is a function (a new value each time)
        for f in fields:
            if f.has_default() and callable(f.default):
                self.computed.append(f)
            else:
                self.constant[f.attname] = f.get_default()
        self.relations = {f.name: f for f in fields if f.is_relation}

    def new(self, values: dict):
        """An unsaved instance with `values` (field names; a relation may be an instance)."""
        obj = self.model.__new__(self.model)
        state = obj._state = ModelState()
        attrs = obj.__dict__
        attrs.update(self.constant)
        for f in self.computed:
            attrs[f.attname] = f.get_default()
        for name, value in values.items():
            relation = self.relations.get(name)
            if relation is not None and name != relation.attname:
                attrs[relation.attname] = None if value is None else value.pk
                if value is not None:
                    state.fields_cache[name] = value
            else:
                attrs[name] = value
        return obj


def stored(model, attnames: tuple[str, ...], rows) -> list:
    """Instances of rows read from the database as values_list(*attnames) tuples, with
    only those fields loaded (any other is read from the database if ever used)."""
    out, alias = [], connection.alias  # read once: a thread-local lookup each time
    for row in rows:
        obj = model.__new__(model)
        state = obj._state = ModelState()
        state.adding, state.db = False, alias
        obj.__dict__.update(zip(attnames, row, strict=True))
        out.append(obj)
    return out
