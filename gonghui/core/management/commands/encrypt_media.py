"""Encrypt the uploaded files written before encryption at rest (run once after upgrading;
safe to run again).

For every ``FileField`` of every model, each stored file that is not a Fernet token under the
configured keys is read, written again encrypted under a random name in the same folder, the
row is pointed at the new name, and the clear file is removed. Files already encrypted are left
as they are (run it twice: the second run changes nothing). A file that looks like a token under
a key that is no longer configured is reported and never encrypted a second time. Files under
``MEDIA_ROOT`` that no row refers to are listed, not touched.
"""

import os
import posixpath

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import models, transaction

from gonghui.core import crypto
from gonghui.core.storage import EncryptedFileSystemStorage


def file_fields():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and isinstance(
                field.storage, EncryptedFileSystemStorage
            ):
                yield model, field


class Command(BaseCommand):
    help = "Encrypt stored files written before encryption at rest (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count, change nothing")

    def handle(self, *args, dry_run=False, **options):
        done = already = missing = 0
        foreign, referenced = [], set()
        storage = None
        for model, field in file_fields():
            storage = field.storage
            rows = model._base_manager.exclude(**{field.name: ""}).exclude(
                **{f"{field.name}__isnull": True}
            )
            for pk, name in rows.values_list("pk", field.name).iterator():
                referenced.add(os.path.normpath(storage.path(name)))
                try:
                    data = storage.read_raw(name)
                except FileNotFoundError:
                    missing += 1
                    self.stderr.write(f"missing: {model._meta.label} {pk} {name}")
                    continue
                try:
                    crypto.decrypt_bytes(data)
                except ValueError:
                    pass
                else:
                    already += 1
                    continue
                if crypto.looks_encrypted(data):
                    foreign.append(name)
                    continue
                done += 1
                if dry_run:
                    continue
                folder = posixpath.dirname(name)
                new_name = storage.save(posixpath.join(folder, "f"), ContentFile(data))
                with transaction.atomic():
                    model._base_manager.filter(pk=pk).update(**{field.name: new_name})
                referenced.add(os.path.normpath(storage.path(new_name)))
                storage.delete(name)
        verb = "would encrypt" if dry_run else "encrypted"
        self.stdout.write(f"{verb} {done}, already encrypted {already}, missing {missing}")
        for name in foreign:
            self.stdout.write(f"not opened by the configured keys (left as is): {name}")
        if storage is not None:
            root = storage.location
            for folder, _dirs, names in os.walk(root):
                for n in sorted(names):
                    path = os.path.normpath(os.path.join(folder, n))
                    if path not in referenced:
                        rel = os.path.relpath(path, root)
                        self.stdout.write(f"not referenced by any row (left as is): {rel}")
