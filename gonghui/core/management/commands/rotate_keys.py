"""Re-encrypt every encrypted column and stored file under the first (newest) of
``FIELD_ENCRYPTION_KEYS``, so that older keys can then be removed.

- Columns: every ``EncryptedTextField`` of every model (found by walking the models, so a new
  field is covered). Rows are read in primary-key batches as stored ciphertext; a value whose
  HMAC checks under the first key is left alone, any other is re-encrypted (same plaintext and
  timestamp) and written with a queryset ``update()`` that also requires the old ciphertext to be
  still in place: no ``save()``, signals or ``auto_now``, and a value the app changed meanwhile
  is never overwritten (it was written under the app's first key anyway).
- Files: every ``FileField`` stored through ``EncryptedFileSystemStorage``. The file is written
  again under the same name through a temporary file in the same folder and ``os.replace``, so a
  download sees either the old or the new file, both readable while both keys are configured.

Without downtime: while the old key stays in the list every process reads both. Resumable: a
value already under the first key is skipped, so an interrupted run is simply run again
(``--model`` and ``--start-pk`` narrow it further). Lookup hashes (``FIELD_HASH_KEY``) do not
depend on these keys and are not touched. ``--dry-run`` only counts.
"""

import contextlib
import os
import stat
import tempfile
from collections import Counter

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.db.models import ExpressionWrapper, F, Value

from gonghui.core import crypto
from gonghui.core.fields import EncryptedTextField

from .encrypt_media import file_fields


def encrypted_columns():
    """``(model, [EncryptedTextField, ...])`` for every concrete model that has some."""
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        fields = [f for f in model._meta.local_concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            yield model, fields


def _stored(field):
    """The column as stored (ciphertext): a plain text output field skips ``from_db_value``."""
    return ExpressionWrapper(F(field.attname), output_field=models.TextField())


def _text(value: str):
    """A literal that bypasses ``EncryptedTextField.get_prep_value`` (no second encryption)."""
    return Value(value, output_field=models.TextField())


def replace_file(path: str, data: bytes) -> None:
    """Write ``data`` at ``path`` atomically, keeping the file's permissions."""
    folder = os.path.dirname(path)
    mode = stat.S_IMODE(os.stat(path).st_mode)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".rotate-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _pages(queryset, start, batch_size, *columns):
    """Rows of ``queryset`` as ``(pk, *columns)`` tuples, in pk order, ``batch_size`` at a
    time, from after ``start``."""
    last = start
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        rows = list(page.values_list("pk", *columns)[:batch_size])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


class Command(BaseCommand):
    help = "Re-encrypt every encrypted column and stored file under the newest key (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count, change nothing")
        parser.add_argument(
            "--model", action="append", metavar="APP.MODEL", help="only this model (repeatable)"
        )
        parser.add_argument("--start-pk", help="with one --model: continue after this primary key")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, dry_run=False, model=None, start_pk=None, batch_size=500, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        only = None
        if model:
            try:
                only = {apps.get_model(label) for label in model}
            except (LookupError, ValueError) as exc:
                raise CommandError(str(exc)) from exc
        if start_pk is not None and (not only or len(only) != 1):
            raise CommandError("--start-pk needs exactly one --model")
        self.dry_run, self.batch_size, self.verbosity = dry_run, batch_size, options["verbosity"]
        self.totals = Counter()

        columns = [(m, fs) for m, fs in encrypted_columns() if only is None or m in only]
        files = [(m, f) for m, f in file_fields() if only is None or m in only]
        if only is not None and not columns and not files:
            raise CommandError("no encrypted column or file in the given model(s)")
        for model_, fields in columns:
            start = model_._meta.pk.to_python(start_pk) if start_pk is not None else None
            self.rotate_columns(model_, fields, start)
        for model_, field in files:
            start = model_._meta.pk.to_python(start_pk) if start_pk is not None else None
            self.rotate_files(model_, field, start)

        t = self.totals
        if dry_run:
            self.stdout.write(
                f"under older keys: {t['values']} values, {t['files']} files (nothing changed)"
            )
        else:
            self.stdout.write(f"re-encrypted {t['values']} values and {t['files']} files")
        if t["changed"]:
            self.stdout.write(
                f"changed by the app during the run (left as written): {t['changed']}; "
                "run again to check them"
            )
        if t["unreadable"]:
            raise CommandError(
                f"{t['unreadable']} values or files are not opened by any configured key; "
                "do not remove a key before they are resolved"
            )

    def report(self, label: str, c: Counter) -> None:
        if self.dry_run:
            line = f"{label}: under an older key {c['old']}, under the newest key {c['current']}"
        else:
            line = f"{label}: re-encrypted {c['old']}, already under the newest key {c['current']}"
        for key, text in (
            ("changed", "changed meanwhile"),
            ("unreadable", "not opened by any configured key"),
            ("missing", "missing on disk"),
            ("plain", "not encrypted (run encrypt_media)"),
        ):
            if c[key]:
                line += f", {text} {c[key]}"
        self.stdout.write(line)

    def rotate_columns(self, model, fields, start) -> None:
        counts = {f.attname: Counter() for f in fields}
        raw = {f"rotate_raw_{f.attname}": _stored(f) for f in fields}
        queryset = model._base_manager.annotate(**raw)
        for rows in _pages(queryset, start, self.batch_size, *raw):
            writes = []
            for pk, *tokens in rows:
                old, new = {}, {}
                for field, token in zip(fields, tokens, strict=True):
                    c = counts[field.attname]
                    if not token:
                        continue
                    if crypto.under_first_key(token.encode()):
                        c["current"] += 1
                        continue
                    try:
                        rotated = crypto.rotate(token.encode()).decode()
                    except ValueError:
                        c["unreadable"] += 1
                        self.stderr.write(
                            f"not opened by any configured key: {model._meta.label} "
                            f"pk={pk} {field.name}"
                        )
                        continue
                    old[field.attname], new[field.attname] = _text(token), _text(rotated)
                if new:
                    writes.append((pk, old, new))
            if self.dry_run:
                for _pk, _old, new in writes:
                    for attname in new:
                        counts[attname]["old"] += 1
            else:
                with transaction.atomic():
                    for pk, old, new in writes:
                        done = model._base_manager.filter(pk=pk, **old).update(**new)
                        for attname in new:
                            counts[attname]["old" if done else "changed"] += 1
            if self.verbosity >= 2:
                self.stdout.write(f"{model._meta.label}: up to pk {rows[-1][0]}")
        for field in fields:
            c = counts[field.attname]
            self.report(f"{model._meta.label}.{field.name}", c)
            self.totals.update(values=c["old"], changed=c["changed"], unreadable=c["unreadable"])

    def rotate_files(self, model, field, start) -> None:
        storage, c = field.storage, Counter()
        queryset = model._base_manager.exclude(**{field.attname: ""}).exclude(
            **{f"{field.attname}__isnull": True}
        )
        for rows in _pages(queryset, start, self.batch_size, field.attname):
            for pk, name in rows:
                try:
                    data = storage.read_raw(name)
                except FileNotFoundError:
                    c["missing"] += 1
                    self.stderr.write(f"missing: {model._meta.label} pk={pk} {name}")
                    continue
                if crypto.under_first_key(data):
                    c["current"] += 1
                    continue
                if not crypto.looks_encrypted(data):
                    c["plain"] += 1
                    continue
                try:
                    rotated = crypto.rotate(data)
                except ValueError:
                    c["unreadable"] += 1
                    self.stderr.write(
                        f"not opened by any configured key: {model._meta.label} pk={pk} {name}"
                    )
                    continue
                if not self.dry_run:
                    replace_file(storage.path(name), rotated)
                c["old"] += 1
            if self.verbosity >= 2:
                self.stdout.write(f"{model._meta.label}.{field.name}: up to pk {rows[-1][0]}")
        self.report(f"{model._meta.label}.{field.name} (files)", c)
        self.totals.update(files=c["old"], unreadable=c["unreadable"])
