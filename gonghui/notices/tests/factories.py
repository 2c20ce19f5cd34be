"""Accounts and messages for the notices tests (real services, real database)."""

import itertools

from gonghui.people import auth

_seq = itertools.count(1)


def account(phone: str = ""):
    return auth.sign_in_worker(phone or f"137{next(_seq):08d}")


def message(acct, event="appeal_dispatched", key="", **params):
    from gonghui.notices import services

    return services.notify(
        event,
        phone=acct.phone,
        params={"number": "12351-20261130-000001", "org": "朝阳区总工会", **params},
        dedupe_key=key or f"test:{next(_seq)}",
        link="/h5/appeals/1/",
    )
