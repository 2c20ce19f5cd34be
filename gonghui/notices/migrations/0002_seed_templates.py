"""Seed one template per event with the default Chinese texts (a frozen copy)."""

from django.db import migrations

TEMPLATES = [
    (
        "appeal_received",
        "您的诉求已受理",
        "您反映的“{title}”已受理，编号{number}。我们将尽快办理，可凭编号查询进度。",
        True,
        True,
    ),
    (
        "appeal_dispatched",
        "您的诉求已派单",
        "您的诉求{number}已派至{org}办理，办理单位将尽快与您联系。",
        True,
        False,
    ),
    ("appeal_resolved", "您的诉求已办结", "您的诉求{number}已办结。办理结果：{reply}", True, True),
    (
        "appeal_callback",
        "请对诉求办理情况进行评价",
        "您的诉求{number}已办结，工作人员将对您进行回访。您也可以在{days}天内登录评价办理情况。",
        True,
        False,
    ),
    (
        "waitlist_promoted",
        "候补成功，名额已为您保留",
        "您候补的“{project}”（{starts}）已转为正式报名，请准时参加；如不能参加请及时取消。",
        True,
        True,
    ),
    (
        "health_booked",
        "体检预约成功",
        "您已预约{date}在{hospital}（{address}）的免费体检，请携带身份证按时到检。如需取消，请在工会服务平台操作。",
        True,
        True,
    ),
    (
        "health_reminder",
        "明日体检提醒",
        "提醒：您已预约明天（{date}）在{hospital}（{address}）的免费体检，请空腹并携带身份证按时到检。",
        True,
        False,
    ),
    ("aid_decided", "您的帮扶申请有结果了", "您的{kind}{result}。{reason}", True, True),
    (
        "payment_made",
        "帮扶款已发放",
        "{campaign}帮扶款{amount}元已于{date}发放，请注意查收。",
        True,
        True,
    ),
]


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notices", "MessageTemplate")
    for event, title, body, sms_enabled, essential in TEMPLATES:
        MessageTemplate.objects.get_or_create(
            event=event,
            defaults={
                "title": title,
                "body": body,
                "sms_enabled": sms_enabled,
                "essential": essential,
                "active": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
