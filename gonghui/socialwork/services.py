"""Writes for 专职工会社会工作者. Assigning a file's social worker is a write of assistance
data, so the rule lives in ``assistance.services.assign_contact``; this is the app's entry."""

from gonghui.assistance import services as assistance


def assign_file(*, user, file_id: int, social_worker_id):
    """Assign (or reassign) a hardship file to a social worker; see
    ``assistance.services.assign_contact`` for the rules (403 / 404 / 400 / 409)."""
    return assistance.assign_contact(user=user, file_id=file_id, social_worker_id=social_worker_id)
