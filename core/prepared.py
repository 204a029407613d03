"""Querysets compiled to SQL once and run again with another value.

Turning a queryset into SQL (joins, column lists, quoting) costs the ORM
about half a millisecond for a row read by key with a few related rows,
more than PostgreSQL takes to answer it. A page that runs the same reads
for every request with only an id changing pays that on every request;
``PreparedQuery`` pays it once per database connection.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from weakref import WeakKeyDictionary

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

M = TypeVar("M", bound=Model)

# The value the queryset is built with, found again among the compiled
# parameters and replaced by the real one on each run. Far from any id.
PLACEHOLDER = 7_314_159_265_358_979


@dataclass(frozen=True)
class _Compiled:
    """One queryset's SQL and what the ORM needs to turn its rows into
    instances, on one connection."""

    compiler: Any
    sql: str
    params: tuple[Any, ...]
    # (parameter's index, which value goes there)
    slots: tuple[tuple[int, int], ...]
    converters: dict[int, Any]
    init_list: list[str]
    model_slice: slice
    populators: list[Any]


class PreparedQuery(Generic[M]):
    """The instances a queryset built by ``build(value)`` returns, with the
    SQL compiled on the first run and only the value changed afterwards.

    ``build`` must use the value once or more as a plain parameter (a
    filter on a key, not a ``LIMIT`` or an expression that depends on it),
    and nothing else that changes between runs: it is called once per
    connection. Rows become instances as a queryset makes them (deferred
    fields, ``select_related``, annotations, the database's converters); the
    read goes through ``connection.cursor()``, so query logging and counting
    see it.

    With ``arity`` above 1, ``build`` gets a tuple of that many distinct
    values (for ``pk__in``) and each run takes a sequence of one to
    ``arity`` values; a shorter one is padded with its last value, which
    an ``IN`` list matches once.
    """

    def __init__(
        self, model: type[M], build: Callable[[Any], QuerySet[M]], *, arity: int = 1
    ) -> None:
        self.model = model
        self.build = build
        self.arity = arity
        self._compiled: WeakKeyDictionary[Any, _Compiled] = WeakKeyDictionary()

    def __call__(self, value: Any) -> list[M]:
        """The instances for ``value`` (``arity`` 1) or for a sequence of up
        to ``arity`` values, in the queryset's order."""
        values = (value,) if self.arity == 1 else tuple(value)
        if not values:
            return []
        if len(values) > self.arity:
            raise ValueError("More than {} values.".format(self.arity))
        values += (values[-1],) * (self.arity - len(values))
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compile(alias, connection)
            self._compiled[connection] = compiled
        params = list(compiled.params)
        for slot, position in compiled.slots:
            params[slot] = values[position]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        return list(self._instances(alias, compiled, rows))

    def first(self, value: Any) -> M | None:
        """The first instance for ``value``, or None."""
        found = self(value)
        return found[0] if found else None

    def forget(self) -> None:
        """Compile again on the next run (after a change of the schema or
        of the settings the SQL depends on)."""
        self._compiled.clear()

    def _compile(self, alias: str, connection: Any) -> _Compiled:
        placeholders = {PLACEHOLDER + n: n for n in range(self.arity)}
        queryset = self.build(PLACEHOLDER if self.arity == 1 else tuple(placeholders))
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots = tuple(
            (n, placeholders[param])
            for n, param in enumerate(params)
            if isinstance(param, int) and param in placeholders
        )
        if {position for _, position in slots} != set(placeholders.values()):
            raise ValueError("The queryset does not use each value as a parameter.")
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        model_slice = slice(fields[0], fields[-1] + 1)
        return _Compiled(
            compiler=compiler,
            sql=sql,
            params=tuple(params),
            slots=slots,
            converters=compiler.get_converters(
                [column[0] for column in select[: compiler.col_count]]
            ),
            init_list=[column[0].target.attname for column in select[model_slice]],
            model_slice=model_slice,
            populators=get_related_populators(klass_info, select, alias),
        )

    def _instances(
        self, alias: str, compiled: _Compiled, rows: list[tuple]
    ) -> Iterator[M]:
        # What django.db.models.query.ModelIterable does with a compiler's
        # rows, without compiling again.
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        annotations = compiled.compiler.annotation_col_map
        for row in rows:
            instance = self.model.from_db(
                alias, compiled.init_list, row[compiled.model_slice]
            )
            for populator in compiled.populators:
                populator.populate(row, instance)
            for name, position in annotations.items():
                setattr(instance, name, row[position])
            yield instance
