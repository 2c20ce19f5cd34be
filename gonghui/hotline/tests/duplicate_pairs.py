# ruff: noqa: E501 - the appeals are data: one telling per line reads better than wrapped
"""The labelled duplicate set (issue 15): hand-written 12351 appeals and the pairs between them.

32 cases (``CASES``), each told four times — by the same caller or by workmates, with
synonyms (拖欠工资/欠薪/工钱没给), clauses reordered, details added or dropped, numbers in
words or digits, the employer field sometimes left empty or typed another way. Every two
tellings of one case are a duplicate pair (192). The non-duplicates (``NEGATIVES``) are the
hard ones: the same employer with a different problem (12 employers with two cases each, every
telling against every telling: 192), the same district and category without an employer but a
different problem (48), and the same kind of problem at another employer (``OTHER_EMPLOYER``).

Used by tests/test_duplicates_quality.py (asserts precision and recall at the shipped
threshold) and bench/duplicates.py (prints them)."""

import datetime
import itertools
from dataclasses import dataclass

from stdnum.cn import uscc


def _code(base17: str) -> str:
    return base17 + uscc.calc_check_digit(base17)


# key: (name as usually typed, credit code or "")
EMPLOYERS = {
    "suda": ("速达快递有限公司朝阳营业部", _code("91110105MA01D0001")),
    "xingwang": ("北京兴旺建筑工程有限公司", _code("91110115MA02X0002")),
    "jinggong": ("亦庄精工电子厂", ""),
    "weidao": ("海淀味道餐饮管理有限公司", ""),
    "shansong": ("闪送达配送站", ""),
    "jiemei": ("洁美物业服务有限公司", _code("91110101MA03J0003")),
    "jiahe": ("嘉禾购物中心", ""),
    "antai": ("安泰保安服务有限公司", _code("91110106MA04A0004")),
    "shunda": ("顺达仓储物流有限公司", ""),
    "boyuan": ("博远科技有限公司", ""),
    "yunfan": ("云帆网络科技有限公司", _code("91110108MA05Y0005")),
    "kuaiyun": ("快运达货运平台", ""),
}
# another way the employer field gets typed (full-width brackets, spaces): same employer
ALIASES = {
    "suda": "速达快递有限公司（朝阳营业部）",
    "weidao": "海淀味道餐饮管理有限公司 ",
    "jiahe": "嘉禾 购物中心",
}


@dataclass(frozen=True)
class Telling:
    text: str
    caller: str  # same letter within a case = same phone
    employer: str = "given"  # "given", "alias" (typed otherwise), "none" (left empty)
    category: str = ""  # another category than the case's, when an operator filed it so


@dataclass(frozen=True)
class Case:
    key: str
    category: str
    district: str
    employer: str  # key in EMPLOYERS or ""
    tellings: tuple[Telling, ...]


T = Telling
CASES = [
    Case("S1", "LABOR-WAGE", "BJ-CY", "suda", (
        T("我在速达快递朝阳营业部当快递员，公司已经拖欠我两个月工资了，一共八千多元，找站长多次都说再等等，请工会帮忙讨薪。", "a"),
        T("速达快递朝阳营业部欠了我们快递小哥两个月的薪水，大概8000元，站长一直推脱。", "b", "alias"),
        T("反映朝阳速达快递营业部不发工资的问题：九月、十月两个月工资至今未发，约八千元，站长一拖再拖。", "a"),
        T("快递员来电，营业部站长拖着不给工钱，已经欠了两个月，金额八千左右，希望工会出面协调。", "c", "none"),
    )),
    Case("S2", "LABOR-INSURANCE", "BJ-CY", "suda", (
        T("速达快递朝阳营业部入职半年了一直没给我交社保，问站长说快递员都不交，请问这合法吗？", "a"),
        T("公司没有为我缴纳社会保险，已经工作六个月，站长说外包人员不用交五险。", "b"),
        T("想咨询：在快递营业部干了半年，单位从来没交过养老和医疗保险，要求补缴。", "a", "alias"),
        T("半年来单位没缴社保，站长称快递员属于外包不交，我要求补缴社会保险。", "c"),
    )),
    Case("S3", "LABOR-WAGE", "BJ-DX", "xingwang", (
        T("我们在大兴区兴旺建筑工程公司的工地干活，十几个农民工的工资从春节后就没发，包工头跑了，总共欠了三十多万。", "a"),
        T("兴旺建筑工地拖欠农民工工资三十余万元，涉及十多名工人，包工头已联系不上。", "b"),
        T("工地包工头失联，兴旺建筑公司说钱已经给了包工头，我们十几个人春节后的工钱三十万没拿到。", "c"),
        T("反映大兴一建筑工地欠薪：春节后开始干活到现在没发过工资，十多个工友，约30万元，包工头找不到人了。", "a", "none"),
    )),
    Case("S4", "LABOR-INJURY", "BJ-DX", "xingwang", (
        T("在兴旺建筑工地干活时从脚手架上摔下来，腿骨折了，公司不给报工伤，也不给医药费。", "a"),
        T("工友在工地高处坠落导致腿部骨折，建筑公司拒绝申报工伤，医药费都是自己垫的。", "b"),
        T("我上个月在工地从脚手架摔伤骨折，单位不承认是工伤，不肯出医疗费，请问怎么认定工伤？", "a"),
        T("从脚手架摔落腿断了，兴旺建筑不给申请工伤认定，住院费两万多都是自己出的。", "a"),
    )),
    Case("S5", "LABOR-HOURS", "BJ-JK", "jinggong", (
        T("亦庄精工电子厂每天要上十二个小时班，每月只休两天，加班费一分没有。", "a"),
        T("精工电子厂长期超时工作，每天12小时，一个月休息两天，从不支付加班费。", "b"),
        T("电子厂要求我们每天从早八点干到晚八点，一个月只能休两天，加班工资不给算。", "c", "given", "LABOR-WAGE"),
        T("电子厂强制加班，每天工作十二小时，也没有加班工资，每个月就休两天。", "a"),
    )),
    Case("S6", "LABOR-CONTRACT", "BJ-JK", "jinggong", (
        T("精工电子厂入职三个月了还没有和我签劳动合同，问人事说试用期不签。", "a"),
        T("单位到现在都没跟我签书面劳动合同，已经干了三个月，说过了试用期再签。", "b"),
        T("入职三个月未签订劳动合同，人事称试用期内不签合同，想问能否要求双倍工资。", "a"),
        T("工作三个月了厂里一直不签合同，说试用期都不签，这样合法吗。", "c", "none"),
    )),
    Case("S7", "LABOR-CONTRACT", "BJ-HD", "weidao", (
        T("我在味道餐饮做服务员两年，店长突然通知我明天不用来了，没有任何补偿。", "a"),
        T("餐饮公司无故辞退我，工作两年，没有提前通知也不给经济补偿。", "a", "alias"),
        T("店里突然把我开除了，干了两年服务员，一分补偿金都没有，请问能要赔偿吗？", "a"),
        T("海淀一家餐厅的服务员，干了两年被店长当天解雇，公司拒绝支付补偿。", "a", "none"),
    )),
    Case("S8", "LABOR-WAGE", "BJ-HD", "weidao", (
        T("味道餐饮已经三个月没发工资了，十几个服务员和厨师都没拿到钱，老板说生意不好。", "a"),
        T("餐厅拖欠员工三个月工资，涉及后厨和前厅十多人，老板以经营困难为由不发。", "b"),
        T("公司欠我们三个月薪水，老板说店里亏钱，厨师服务员一共十几个人。", "c", "alias"),
        T("反映海淀某餐饮公司欠发工资：三个月工资未发放，员工十余人，老板说效益不好。", "d"),
    )),
    Case("S9", "NEWFORM", "BJ-CY", "shansong", (
        T("我是闪送达配送站的骑手，站点随意罚款，超时一单扣五十元，一个月被扣了一千多。", "a"),
        T("外卖站点对骑手乱罚款，超时每单罚50，上个月扣了我1000多元。", "b"),
        T("配送站罚款太狠了，送餐晚几分钟就扣五十，一个月扣掉一千多块钱，这合理吗？", "a"),
        T("闪送达站点对外卖员超时罚款每单50元，本月累计罚了一千余元。", "c"),
    )),
    Case("S10", "NEWFORM", "BJ-CY", "shansong", (
        T("骑手送餐途中被车撞了，站点说我们不是员工，没有工伤保险，也不管医药费。", "a"),
        T("外卖员在配送途中发生交通事故受伤，配送站拒绝承担责任，称不存在劳动关系。", "b"),
        T("送外卖路上出了车祸，站长说骑手是众包的，不算工伤，让我自己找保险。", "a"),
        T("我在闪送达跑单时被撞伤，站点不承认劳动关系，治疗费用没人管。", "a", "none"),
    )),
    Case("S11", "STATION", "BJ-XC", "", (
        T("西城区金融街附近的暖心驿站白天经常锁着门，我们环卫工想进去喝口水都进不去。", "a"),
        T("金融街那个户外劳动者驿站总是关门，环卫工人白天没法进去休息喝水。", "b"),
        T("反映驿站开放时间问题：金融街驿站上班时间大门紧锁，户外工作者进不去喝水休息。", "c"),
        T("我是环卫工，金融街的职工驿站老是不开门，想歇会儿喝点热水都不行。", "d"),
    )),
    Case("S12", "STATION", "BJ-XC", "", (
        T("西单附近的暖心驿站饮水机坏了一个多月没人修，微波炉也不能用。", "a"),
        T("西单驿站里的饮水机和微波炉都坏了，好久了也没人来维修。", "b"),
        T("驿站设施损坏：西单那边的饮水机一个月前就坏了，微波炉也用不了，请尽快修理。", "c"),
        T("西单的户外劳动者驿站饮水设备坏了一个多月，加热饭的微波炉也坏了。", "a"),
    )),
    Case("S13", "HARDSHIP", "BJ-FT", "", (
        T("我爱人患尿毒症每周透析，家里两个孩子上学，我一个人打工每月三千多，生活非常困难，想申请困难职工帮扶。", "a"),
        T("家庭困难申请帮扶：妻子尿毒症需长期透析，两个孩子读书，本人月收入三千余元。", "a"),
        T("老婆得了尿毒症要一直做透析，俩孩子还在上学，我工资才三千多，能不能申请困难补助？", "a"),
        T("本人收入低，每月三千多元，妻子尿毒症透析治疗，两个孩子在上学，请求工会给予困难帮扶。", "a"),
    )),
    Case("S14", "HARDSHIP", "BJ-FT", "", (
        T("我因工厂倒闭失业半年，父亲瘫痪在床需要人照顾，房租都交不起了，想了解有没有救助。", "b"),
        T("失业六个月，家中老父亲卧床瘫痪，已经拖欠房租，请问工会有什么帮扶政策。", "b"),
        T("厂子关门后半年没找到工作，父亲瘫痪需要照料，房租交不上了，请求帮助。", "b"),
        T("家庭困难：本人失业半年，父亲长期瘫痪卧床，无力支付房租。", "b"),
    )),
    Case("S15", "PSYCH", "BJ-SJS", "", (
        T("最近工作压力太大，连续一个月失眠，情绪很低落，有时候觉得活着没意思，想找人聊聊。", "a"),
        T("我一个月来天天睡不着，工作压力大心情很差，偶尔有轻生念头，需要心理疏导。", "a"),
        T("长期失眠一个多月，感觉很低落，工作上的压力让我喘不过气，想做心理咨询。", "a"),
        T("心理咨询：工作压力大导致失眠一个月，情绪低落，有消极想法。", "a"),
    )),
    Case("S16", "MEMBER", "BJ-SJS", "", (
        T("我去年在公司入了工会，但是会员卡一直没发下来，想问怎么补办工会会员卡。", "a"),
        T("工会会员卡没有收到，入会一年了，请问在哪里办理补发？", "a"),
        T("咨询补办会员卡：本人去年加入工会，至今未领到会员卡。", "a"),
        T("入会都一年多了还没拿到工会会员卡，需要什么材料去补办？", "a"),
    )),
    Case("S17", "LABOR-WAGE", "BJ-DC", "jiemei", (
        T("我在洁美物业做保洁，每月工资只有一千八，低于北京最低工资标准，公司还扣了三百元服装费。", "a"),
        T("物业公司给保洁员发的工资低于最低工资标准，每月才1800元，还扣300元工服费。", "b"),
        T("洁美物业保洁工资每月一千八百元，比最低工资还低，另外每月扣三百块衣服钱。", "c"),
        T("反映保洁员工资过低问题：月薪1800低于本市最低工资，单位另扣服装费300元。", "a", "none"),
    )),
    Case("S18", "LABOR-CONTRACT", "BJ-DC", "jiemei", (
        T("洁美物业要求我们保洁员签一份合同，写着自愿放弃社保，不签就不让上班。", "a"),
        T("公司逼着保洁员签自愿放弃缴纳社保的协议，说不签就不让上班。", "b"),
        T("物业让员工签放弃社会保险声明，不签字不能继续上班，这个合同有效吗？", "c", "given", "LABOR-INSURANCE"),
        T("单位强迫保洁员签订自愿放弃社保的合同条款，否则不让上班。", "a"),
    )),
    Case("S19", "LABOR-HOURS", "BJ-HD", "jiahe", (
        T("嘉禾购物中心国庆七天假全部要求上班，说加班费按平时工资算，不给三倍。", "a"),
        T("商场国庆节期间安排我们连续上班七天，加班工资却只按平时工资发，没有三倍。", "b", "alias"),
        T("咨询法定节假日加班工资：国庆七天单位让上班，没有按三倍发放。", "a"),
        T("国庆七天都在商场上班，公司只给平时的工钱，没有按法定节假日三倍支付。", "c"),
    )),
    Case("S20", "LABOR-CONTRACT", "BJ-HD", "jiahe", (
        T("我怀孕四个月，嘉禾购物中心以业绩不达标为由把我辞退了。", "a"),
        T("商场在我怀孕四个月的时候解除劳动合同，理由是业绩不达标。", "a"),
        T("怀孕了被公司开除，说我业绩不达标，孕期能辞退吗？", "a", "alias"),
        T("孕期女职工被购物中心解雇，单位称业绩考核不达标。", "a"),
    )),
    Case("S21", "LABOR-INSURANCE", "BJ-FT", "antai", (
        T("安泰保安公司给我们交社保是按最低基数交的，实际工资六千，只按三千多交。", "a"),
        T("保安公司社保缴费基数不按实际工资，工资6000元但按最低基数缴纳。", "b"),
        T("单位社保基数偏低，我月薪六千，公司却按最低缴费基数给我交社保。", "c"),
        T("反映安泰保安未足额缴纳社会保险，按最低基数缴纳，远低于实际工资六千元。", "a", "none"),
    )),
    Case("S22", "LABOR-WAGE", "BJ-FT", "antai", (
        T("安泰保安服务公司离职结算时扣了我半个月工资，说是没提前一个月申请。", "a"),
        T("我从保安公司辞职，公司以未提前30天通知为由扣发半个月工资。", "a"),
        T("离职时单位克扣工资，半个月的钱不给，说我没有提前一个月打报告。", "a"),
        T("保安辞职后公司扣了半个月工资不发，理由是离职未提前一个月告知。", "a"),
    )),
    Case("S23", "LABOR-INJURY", "BJ-TZ", "shunda", (
        T("在顺达仓储搬货时被叉车压伤了脚，公司只给报销了一部分医药费，停工期间工资也不发。", "a"),
        T("仓库叉车轧伤我的脚，单位不给停工留薪期工资，医疗费只报了一部分。", "a"),
        T("我在物流仓库上班，脚被叉车压了，休息期间公司不给发工资，医药费也没全报。", "a"),
        T("工作中被叉车压伤脚部，公司拒付停工期间工资，医药费只报销了一部分。", "a", "none"),
    )),
    Case("S24", "LABOR-WAGE", "BJ-TZ", "shunda", (
        T("顺达仓储物流拖欠装卸工两个月工资，二十多名工人，合计十万元左右。", "a"),
        T("仓库装卸工的工资被欠了两个月，二十几个人，加起来大概10万元。", "b"),
        T("物流公司欠我们装卸工两个月的薪水，涉及二十多人，共约十万。", "c"),
        T("反映通州顺达仓储欠薪：装卸工二十余人两个月工资未发，约十万元。", "d"),
    )),
    Case("S25", "LEGAL", "BJ-HD", "boyuan", (
        T("我被博远科技拖欠的工资仲裁已经胜诉了，但公司不执行，想申请法律援助强制执行。", "a"),
        T("劳动仲裁裁决公司支付工资，单位拒不执行，请求法律援助申请法院强制执行。", "a"),
        T("仲裁赢了公司还是不给钱，我想找律师帮忙申请强制执行，有没有免费法律援助。", "a"),
        T("仲裁胜诉后用人单位不执行裁决，咨询如何申请强制执行及法律援助。", "a"),
    )),
    Case("S26", "LABOR-CONTRACT", "BJ-HD", "boyuan", (
        T("博远科技要求我签竞业限制协议，但是离职后没有给竞业限制补偿。", "b"),
        T("公司让我签了竞业限制协议，离职后两年不能去同行，却一分补偿都没给。", "b"),
        T("离职后单位一直没支付竞业限制经济补偿，我还要遵守竞业协议吗？", "b"),
        T("咨询竞业限制：签了协议但离职后公司未按月支付补偿。", "b"),
    )),
    Case("S27", "LABOR-HOURS", "BJ-HD", "yunfan", (
        T("云帆网络实行996，每天晚上九点以后才能下班，周六也要上班，从不给加班费也不调休。", "a"),
        T("公司长期996工作制，早九晚九，每周六天，没有加班工资也不能调休。", "b"),
        T("互联网公司要求996，每天加班到九点，周六上班，加班费和调休都没有。", "c"),
        T("反映云帆网络超时加班：一周工作六天，每天至晚上九点，不支付加班费也不调休。", "d"),
    )),
    Case("S28", "LABOR-CONTRACT", "BJ-HD", "yunfan", (
        T("云帆网络以组织架构调整为由裁员，只给了N的补偿，没有代通知金。", "a"),
        T("公司裁员时只按N支付经济补偿，没有额外一个月的代通知金，想问是否合法。", "b"),
        T("被公司以架构调整裁掉，补偿只给了N，没提前三十天通知也没给代通知金。", "c"),
        T("单位调整组织架构裁员，补偿按N计算，未支付代通知金。", "d"),
    )),
    Case("S29", "NEWFORM", "BJ-CP", "kuaiyun", (
        T("我是快运达平台的货车司机，平台突然把我账号封了，里面还有两千多元没提现。", "a"),
        T("货运平台无故封禁司机账号，账户余额2000多元无法提现。", "a"),
        T("快运达把我的司机账号封了，也不说原因，余额两千多块钱提现不了。", "a"),
        T("反映货运平台封号问题：司机账号被封，账户内两千余元余额无法提现。", "a", "none"),
    )),
    Case("S30", "NEWFORM", "BJ-CP", "kuaiyun", (
        T("快运达平台抽成从百分之十涨到百分之二十，也没有提前通知司机。", "b"),
        T("平台擅自提高抽成比例到20%，司机收入大减，事先没有任何通知。", "c"),
        T("货运平台突然把抽成比例提高了一倍，从10%到20%，也没通知，我们司机根本挣不到钱。", "d"),
        T("快运达上调抽成至百分之二十，未提前通知司机。", "b"),
    )),
    Case("S31", "LABOR-WAGE", "BJ-SY", "", (
        T("我在顺义一家小装修公司干了三个月，老板欠我一万二工资，现在电话也不接。", "a"),
        T("装修队老板拖欠我三个月工钱一万二，电话打不通，人联系不上了。", "a"),
        T("顺义装修公司老板欠薪一万二千元，已经三个月，现在躲着不接电话。", "a"),
        T("干装修三个月，老板一分钱没给，一共一万二，电话打不通。", "a"),
    )),
    Case("S32", "LABOR-WAGE", "BJ-SY", "", (
        T("顺义一家饭店的厨师，老板说试用期工资打八折，但是试用期过了还是按八折发。", "b"),
        T("试用期满了饭店还按试用期工资的八折给我发，老板说没转正。", "b"),
        T("试用期结束后工资仍按八折发放，饭店老板拒绝给转正。", "b"),
        T("饭店厨师反映：过了试用期工资仍被按八折发。", "b"),
    )),
]  # fmt: skip

# The same kind of problem at another employer (not a duplicate however alike the words).
OTHER_EMPLOYER = [("S1", "S8"), ("S1", "S24"), ("S8", "S24"), ("S3", "S24"), ("S17", "S22"),
                  ("S6", "S7"), ("S9", "S29"), ("S10", "S30"), ("S19", "S27"), ("S5", "S27"),
                  ("S20", "S28"), ("S7", "S28")]  # fmt: skip

# When each case was received: case i on day 2i after BASE, its tellings on days 0, 1, 3, 6.
BASE = datetime.datetime(2025, 9, 1, 10, 0, tzinfo=datetime.UTC)
OFFSETS = (0, 1, 3, 6)

BY_KEY = {c.key: c for c in CASES}


def tellings() -> list[tuple[str, int, Case, Telling]]:
    """(id, index, case, telling) for every telling; the id is "S1.0" … "S32.3"."""
    return [(f"{c.key}.{i}", i, c, t) for c in CASES for i, t in enumerate(c.tellings)]


def phone(case: Case, telling: Telling) -> str:
    n = CASES.index(case) * 10 + "abcdefgh".index(telling.caller)
    return f"1391235{n:04d}"


def received(case: Case, index: int) -> datetime.datetime:
    return BASE + datetime.timedelta(days=2 * CASES.index(case) + OFFSETS[index], hours=index)


def appeal_data(case: Case, telling: Telling) -> dict:
    """The intake data of one telling (services.create_appeal's ``data``)."""
    name, code = EMPLOYERS[case.employer] if case.employer else ("", "")
    if telling.employer == "alias":
        name, code = ALIASES.get(case.employer, name), ""
    elif telling.employer == "none":
        name, code = "", ""
    return {
        "type": "complaint", "category": telling.category or case.category, "urgency": "normal",
        "channel": "phone", "content": telling.text, "district": case.district,
        "contact_name": "张三", "contact_phone": phone(case, telling),
        "employer_name": name, "employer_credit_code": code,
    }  # fmt: skip


def _ids(case: Case) -> list[str]:
    return [f"{case.key}.{i}" for i in range(len(case.tellings))]


POSITIVES = [p for c in CASES for p in itertools.combinations(_ids(c), 2)]
NEGATIVES = (
    [  # the same employer, another problem
        (a, b)
        for x, y in itertools.combinations(CASES, 2)
        if x.employer and x.employer == y.employer
        for a in _ids(x)
        for b in _ids(y)
    ]
    + [  # the same district and category, no employer, another problem
        (a, b)
        for x, y in itertools.combinations(CASES, 2)
        if not x.employer
        and not y.employer
        and (x.district, x.category) == (y.district, y.category)
        for a in _ids(x)
        for b in _ids(y)
    ]
    + [  # the same kind of problem at another employer
        (a, b)
        for x, y in OTHER_EMPLOYER
        for a, b in zip(_ids(BY_KEY[x]), _ids(BY_KEY[y]), strict=True)
    ]
)
PAIRS = [(a, b, True) for a, b in POSITIVES] + [(a, b, False) for a, b in NEGATIVES]
