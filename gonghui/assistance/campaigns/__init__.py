"""送温暖 / 金秋助学 / 夏送清凉 aid campaigns: setup, beneficiary lists, approval and 公示,
payments and the bank's result file, partner contributions. Part of the ``assistance`` app
(same label, same tables); the models live in ``assistance/models/campaigns.py``,
``campaign_objections.py`` and ``contributions.py``."""
