"""ORM statements compiled once per process and then run with new values.

Compiling a query (the ORM's `as_sql`) costs more than running it on a local database: a statement with a join and a
subquery or two takes about half a millisecond of Python to build. The hot requests (a call, a finish, a device's
sign-in) run the same few statements all day with other ids, so each is written here once as an ORM query, compiled
on first use with marker values in place of its parameters, and from then on run with the values put where the
markers were. The ORM still defines every statement: a field renamed, a lookup changed, and the compiled text follows.

Only fixed-shape queries qualify: their parameters are ids (int), texts or dates, each used as a plain value (not as
an `IN` list whose length varies, not as a slice bound, which the ORM writes into the text).

`update_row` and `insert_row` do the same for the two writes of a hot request: an update of some fields of one row,
an insert of one row. They skip the ORM's `pre_save`/`post_save` signals, which the models they are used on do not
have."""

import copy
import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import get_related_populators
from django.db.models.sql.constants import MULTI
from django.db.models.utils import create_namedtuple_class

# Values no real id or date of the hall takes, one per parameter: found again in the compiled parameters. The ints
# stay under 2**31, so that an integer column's lookup does not turn them into "matches nothing".
_INT_MARKER = 1_987_654_321
_DATE_MARKER = datetime.date(1901, 2, 3)
_TEXT_MARKER = "\x1eprepared-%d\x1e"
KINDS = (int, str, datetime.date)


@dataclass(frozen=True)
class _Slot:
    """Where one compiled parameter comes from: the caller's value `name` (as text where the backend wrote the
    marker as text), or a constant of the query."""

    name: str | None
    constant: object = None
    as_text: bool = False

    def value(self, values: dict):
        if self.name is None:
            return self.constant
        value = values[self.name]
        return str(value) if self.as_text else value


@dataclass(frozen=True)
class _Compiled:
    compiler: object
    sql: str
    slots: tuple[_Slot, ...]
    names: tuple[str, ...]  # of a named values_list() row's fields
    columns: tuple[str, ...]  # of the compiled row's columns, in their order (the keys of a values() row)


class Prepared:
    """`Prepared(lambda window, clerk: Window.objects.filter(...), window=int, clerk=int)`: the query's parameters,
    by name, each an `int`, a `str` or a `datetime.date`."""

    def __init__(self, build: Callable[..., QuerySet], **kinds: type):
        if not kinds or not all(kind in KINDS for kind in kinds.values()):
            raise TypeError("A prepared statement's parameters are each an int, a str or a datetime.date.")
        self._build = build
        self._kinds = kinds
        self._compiled: dict[tuple[str, str], _Compiled] = {}

    def instances(self, *, using: str = "default", **values) -> list:
        """The model instances the query yields (with what it selects related, and its annotations)."""
        compiler, results = self._execute(using, values)
        select, klass_info, annotation_col_map = compiler.select, compiler.klass_info, compiler.annotation_col_map
        model = klass_info["model"]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        init_list = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(klass_info, select, using)
        found = []
        for row in compiler.results_iter(results):
            instance = model.from_db(using, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            for name, position in (annotation_col_map or {}).items():
                setattr(instance, name, row[position])
            found.append(instance)
        return found

    def first(self, *, using: str = "default", **values):
        """The first instance, or None (the query itself says how many rows it reads: slice it to [:1])."""
        found = self.instances(using=using, **values)
        return found[0] if found else None

    def tuples(self, *, using: str = "default", **values) -> list[tuple]:
        """The rows of a `values_list()` query."""
        compiler, results = self._execute(using, values)
        return [tuple(row) for row in compiler.results_iter(results, tuple_expected=True)]

    def rows(self, *, using: str = "default", **values) -> list:
        """The rows of a `values_list(..., named=True)` query: named tuples, as the ORM gives them."""
        rows = self.tuples(using=using, **values)
        row_class = create_namedtuple_class(*self._compiled_for(using).names)
        return [tuple.__new__(row_class, row) for row in rows]

    def dicts(self, *, using: str = "default", **values) -> list[dict]:
        """The rows of a `values()` query: dicts, as the ORM gives them."""
        compiler, results = self._execute(using, values)
        columns = self._compiled_for(using).columns
        return [dict(zip(columns, row, strict=True)) for row in compiler.results_iter(results, tuple_expected=True)]

    def _compiled_for(self, using: str) -> _Compiled:
        return self._compiled[(using, connections[using].vendor)]

    def _execute(self, using: str, values: dict):
        if values.keys() != self._kinds.keys():
            raise TypeError(f"Expected the values {sorted(self._kinds)}, got {sorted(values)}.")
        connection = connections[using]
        compiled = self._compiled.get((using, connection.vendor)) or self._compile(using, connection.vendor)
        params = tuple(slot.value(values) for slot in compiled.slots)
        # A copy per run: the compiled one is shared by the process's threads, each with its own connection.
        compiler = copy.copy(compiled.compiler)
        compiler.connection = connection
        compiler.as_sql = lambda *args, **kwargs: (compiled.sql, params)
        return compiler, compiler.execute_sql(MULTI)

    def _compile(self, using: str, vendor: str) -> _Compiled:
        markers = {}
        for index, (name, kind) in enumerate(self._kinds.items()):
            step = 7 * index
            if kind is int:
                markers[name] = _INT_MARKER + step
            elif kind is str:
                markers[name] = _TEXT_MARKER % step
            else:
                markers[name] = _DATE_MARKER + datetime.timedelta(days=step)
        queryset = self._build(**markers)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        names = {marker: name for name, marker in markers.items()}
        names.update({str(marker): name for name, marker in markers.items() if not isinstance(marker, int)})
        slots, seen = [], set()
        for param in params:
            name = names.get(param) if isinstance(param, int | str | datetime.date) else None
            if name is None:
                slots.append(_Slot(name=None, constant=param))
            else:
                seen.add(name)
                slots.append(_Slot(name=name, as_text=isinstance(param, str) and self._kinds[name] is not str))
        if seen != set(markers):
            raise ValueError(f"The statement does not take {sorted(set(markers) - seen)} as plain values.")
        # As the ORM's values() and values_list() name the columns of a row (Django 5.2 keeps the order asked).
        query = compiler.query
        if query.selected:
            columns = list(query.selected)
        else:
            columns = [*query.extra_select, *query.values_select, *query.annotation_select]
        compiled = _Compiled(
            compiler=compiler,
            sql=sql,
            slots=tuple(slots),
            names=tuple(queryset._fields or columns),
            columns=tuple(columns),
        )
        self._compiled[(using, vendor)] = compiled
        return compiled


_UPDATES: dict[tuple, str] = {}
_INSERTS: dict[tuple, str] = {}


def update_row(instance, fields: list[str] | tuple[str, ...]) -> None:
    """`instance.save(update_fields=fields)` for a row known to exist, with the statement compiled once."""
    model, connection = type(instance), connections[instance._state.db or "default"]
    columns = [model._meta.get_field(name) for name in fields]
    key = (model, tuple(fields), connection.alias, connection.vendor)
    sql = _UPDATES.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
        sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s"
        _UPDATES[key] = sql
    values = [field.get_db_prep_save(field.pre_save(instance, False), connection) for field in columns]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, instance.pk])
        if cursor.rowcount != 1:
            raise model.DoesNotExist(f"{model.__name__} {instance.pk} was not updated: it is gone.")


def insert_row(model, using: str = "default", **values):
    """`model.objects.create(**values)` (values by attribute name, `ticket_id` not `ticket`), the statement
    compiled once; returns the saved instance."""
    return insert_instance(model(**values), using=using)


def insert_instance(instance, using: str = "default"):
    """`instance.save()` of a new row, the statement compiled once; sets the primary key and returns `instance`."""
    model, connection = type(instance), connections[using]
    pk_name = model._meta.pk.attname
    fields = [field for field in model._meta.concrete_fields if field.attname != pk_name or instance.pk is not None]
    key = (model, tuple(field.attname for field in fields), connection.alias, connection.vendor)
    sql = _INSERTS.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        names = ", ".join(quote(field.column) for field in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({placeholders})"
        if connection.features.can_return_columns_from_insert:
            sql += f" RETURNING {quote(model._meta.pk.column)}"
        _INSERTS[key] = sql
    params = [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if instance.pk is None:
            if connection.features.can_return_columns_from_insert:
                instance.pk = cursor.fetchone()[0]
            else:
                instance.pk = connection.ops.last_insert_id(cursor, model._meta.db_table, model._meta.pk.column)
    instance._state.adding, instance._state.db = False, using
    return instance
