"""Word lists and name templates for the demo county's fictional units and people.

Names follow the shapes of a county's real ledgers (平江县XX化工有限公司, XX烟花爆竹零售点,
XX村卫生室 …) but every trade name (字号), person and telephone number is made up; any
match with a real one is chance. Industry codes are GB/T 4754-2017 classes (小类), checked
against the code list in shared/data/gbt4754-2017 when this file was written.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    """One kind of unit of a sector.

    ``pattern`` placeholders: {zh} a made-up trade name, {town}/{townfull} the township
    (安定/安定镇), {village}/{villagefull} a village of it (小田/小田村), {sur} a surname,
    {n} a small ordinal.
    """

    pattern: str
    weight: int
    # First two characters of the 统一社会信用代码 (GB 32100-2015 table 1): 91 企业, 92 个体工商户,
    # 93 农民专业合作社, 12 事业单位, 52 民办非企业单位; "" = a place with no code of its own.
    entity: str
    industry: str
    key_bias: float = 1.0  # relative likelihood of 重点监管 within the sector
    # "village": registered at a village (12-digit code); "township": at the township; "any": either.
    place: str = "any"
    above_scale: float = 0.0  # share of 规模以上 among these
    rural: bool = False  # never in an urban street (街道)


T = Template

TEMPLATES: dict[str, list[Template]] = {
    "non_coal_mine": [
        T("平江县{zh}矿业有限公司", 4, "91", "0921", 1.5, "township", 0.3, rural=True),
        T("平江县{town}{zh}采石场", 5, "91", "1019", 1.0, "village", rural=True),
        T("平江县{zh}石业有限公司", 3, "91", "1012", 1.0, "village", rural=True),
        T("平江县{zh}云母矿业有限公司", 1, "91", "1091", 1.0, "village", rural=True),
    ],
    "hazardous_chemicals": [
        T("平江县{town}加油站", 6, "91", "5265", 1.0, "township"),
        T("平江县{zh}石油经营有限公司{town}加油站", 8, "91", "5265"),
        T("平江县{village}加油站", 3, "91", "5265", 1.0, "village", rural=True),
        T("平江县{zh}化工有限公司", 4, "91", "2661", 2.0, "any", 0.4),
        T("平江县{zh}危险化学品经营部", 3, "92", "5169", 0.6),
        T("平江县{zh}气体有限公司", 2, "91", "2619", 1.5),
        T("平江县{zh}化工贸易有限公司", 2, "91", "5169", 0.8),
    ],
    "fireworks": [
        T("{townfull}{zh}烟花爆竹零售点", 14, "92", "5299", 0.7),
        T("{villagefull}{sur}记烟花爆竹零售点", 6, "92", "5299", 0.5, "village"),
        T("平江县{zh}烟花爆竹批发有限公司", 2, "91", "5949", 5.0),
        T("平江县{zh}花炮制造有限公司", 1, "91", "2672", 5.0, "village", 0.3, rural=True),
    ],
    "metallurgy": [
        T("平江县{zh}铸造有限公司", 4, "91", "3391", 1.0, "any", 0.3),
        T("平江县{zh}精密铸造有限公司", 2, "91", "3392", 1.0, "any", 0.3),
        T("湖南{zh}冶金材料有限公司", 1, "91", "3140", 1.0, "any", 0.5),
        T("平江县{zh}有色金属冶炼有限公司", 1, "91", "3219", 1.0, "any", 0.5),
    ],
    "industry_trade": [
        T("平江县{zh}机械制造有限公司", 5, "91", "3484", 1.2, "any", 0.3),
        T("平江县{zh}新型建材有限公司", 4, "91", "3039", 1.0, "any", 0.2),
        T("平江县{zh}水泥制品有限公司", 3, "91", "3021", 1.0, "any", 0.2),
        T("平江县{zh}页岩砖厂", 3, "91", "3031", 1.0, "village", rural=True),
        T("平江县{zh}木业有限公司", 4, "91", "2019", 1.2, "any", 0.2),
        T("平江县{zh}竹木制品厂", 3, "92", "2041", 0.6, "village"),
        T("平江县{zh}纺织有限公司", 3, "91", "1751", 1.0, "any", 0.3),
        T("平江县{zh}服饰有限公司", 3, "91", "1819", 0.6, "any", 0.2),
        T("平江县{zh}电子科技有限公司", 3, "91", "3989", 0.8, "any", 0.3),
        T("平江县{zh}包装材料有限公司", 2, "91", "2319", 1.0, "any", 0.2),
        T("平江县{zh}家具厂", 3, "92", "2110", 1.2),
        T("平江县{zh}石材加工厂", 3, "92", "3032", 1.0, "village", rural=True),
        T("平江县{zh}云母制品有限公司", 2, "91", "3082", 1.0, "any", 0.3),
        T("平江县{zh}塑料制品有限公司", 2, "91", "2929", 1.0, "any", 0.2),
        T("平江县{zh}五金制品有限公司", 2, "91", "3399", 0.8),
    ],
    "construction": [
        T("平江县{zh}建筑工程有限公司", 8, "91", "4790", 1.2, "any", 0.2),
        T("湖南{zh}建设工程有限公司", 5, "91", "4790", 1.2, "any", 0.3),
        T("平江县{zh}路桥建设有限公司", 3, "91", "4812", 1.2, "any", 0.2),
        T("平江县{zh}装饰工程有限公司", 4, "91", "5011", 0.6),
        T("平江县{zh}水利水电工程有限公司", 2, "91", "4822", 1.0),
        T("平江县{zh}园林绿化工程有限公司", 2, "91", "4891", 0.5),
        T("平江县{zh}市政工程有限公司", 2, "91", "4813", 1.0),
    ],
    "road_transport": [
        T("平江县{zh}运输有限公司", 6, "91", "5431", 1.0),
        T("平江县{zh}物流有限公司", 5, "91", "5437", 0.8),
        T("平江县{zh}客运有限公司", 2, "91", "5421", 2.5),
        T("平江县{town}汽车站", 2, "91", "5441", 2.5, "township"),
        T("平江县{zh}危险货物运输有限公司", 1, "91", "5435", 4.0),
        T("平江县{zh}汽车维修有限公司", 4, "91", "8111", 0.6),
        T("{townfull}{zh}汽车修理厂", 3, "92", "8111", 0.4),
        T("平江县{zh}驾驶员培训学校", 1, "91", "8391", 1.0),
    ],
    "waterway": [
        T("平江县{villagefull}渡口", 4, "", "5513", 1.5, "village", rural=True),
        T("平江县{zh}船务有限公司", 2, "91", "5523", 1.0),
        T("平江县{zh}砂石码头", 2, "91", "5532", 1.0, "village", rural=True),
        T("平江县{zh}游船有限公司", 1, "91", "5512", 1.5),
    ],
    "gas": [
        T("平江县{zh}燃气有限公司", 2, "91", "4511", 3.0, "any", 0.5),
        T("平江县{town}液化气供应站", 4, "91", "4512", 1.2, "township"),
        T("平江县{zh}液化气有限公司", 2, "91", "4512", 1.5),
        T("{townfull}{zh}液化气瓶装供应点", 5, "92", "4512", 0.5),
        T("平江县{zh}天然气有限公司{town}加气站", 1, "91", "5266", 2.0),
    ],
    "fire": [
        T("平江县{zh}大酒店", 5, "91", "6110", 1.5),
        T("{townfull}{zh}宾馆", 6, "92", "6129", 0.8),
        T("平江县{zh}量贩KTV", 3, "91", "9011", 1.5),
        T("{townfull}{zh}网吧", 4, "92", "9013", 0.8),
        T("平江县{zh}购物广场", 2, "91", "5211", 2.0),
        T("{townfull}{zh}足浴会所", 3, "92", "8052", 0.6),
        T("平江县{zh}影城", 1, "91", "8760", 2.0),
        T("{townfull}{zh}酒楼", 5, "92", "6210", 0.6),
        T("平江县{zh}仓储有限公司", 2, "91", "5920", 1.0),
        T("{townfull}{zh}电动车行", 2, "92", "5238", 0.5),
    ],
    "food": [
        T("平江县{zh}食品有限公司", 8, "91", "1431", 1.5, "any", 0.3),
        T("平江县{zh}酱干厂", 4, "92", "1392", 0.8, "village"),
        T("平江县{zh}豆制品加工厂", 3, "92", "1392", 0.8),
        T("平江县{zh}米业有限公司", 3, "91", "1311", 1.0, "any", 0.2),
        T("平江县{zh}茶业有限公司", 3, "91", "1530", 0.8, "village"),
        T("平江县{zh}酒业有限公司", 2, "91", "1512", 1.5),
        T("平江县{zh}蔬菜加工厂", 2, "92", "1371", 0.6, "village"),
    ],
    "special_equipment": [
        T("平江县{zh}电梯工程有限公司", 3, "91", "4999", 1.0),
        T("平江县{zh}起重设备安装有限公司", 2, "91", "4999", 1.2),
        T("平江县{zh}锅炉安装有限公司", 1, "91", "4999", 1.2),
        T("平江县{zh}工业气体充装站", 2, "91", "2619", 2.0),
        T("平江县{zh}工程机械租赁有限公司", 2, "91", "7113", 0.8),
        T("{townfull}{zh}游乐场", 1, "92", "9020", 1.5, "township"),
    ],
    "commerce": [
        T("{townfull}{zh}超市", 10, "92", "5212", 1.2),
        T("平江县{zh}商贸有限公司", 8, "91", "5219", 1.0),
        T("{villagefull}{zh}便利店", 6, "92", "5213", 0.4, "village"),
        T("{townfull}{zh}五金店", 4, "92", "5281", 0.6),
        T("{townfull}{zh}建材店", 4, "92", "5289", 0.6),
        T("{townfull}{zh}农资店", 3, "92", "5299", 0.8),
        T("{townfull}{zh}家电城", 2, "92", "5272", 0.8),
        T("{townfull}{zh}副食批发部", 4, "92", "5129", 0.6),
        T("{townfull}{zh}饭店", 6, "92", "6210", 0.8),
        T("平江县{townfull}农贸市场", 1, "91", "7223", 4.0, "township"),
        T("平江县{zh}百货有限公司", 2, "91", "5211", 1.5),
        T("{townfull}{zh}大药房", 3, "92", "5251", 0.5),
    ],
    "culture_tourism": [
        T("平江县{zh}旅游开发有限公司", 3, "91", "7869", 2.0, "village", rural=True),
        T("{villagefull}{zh}农家乐", 6, "92", "6210", 0.6, "village", rural=True),
        T("平江县{zh}山庄", 3, "92", "6190", 1.0, "village", rural=True),
        T("平江县{zh}旅行社有限公司", 2, "91", "7291", 0.5),
        T("{villagefull}{zh}民宿", 3, "92", "6130", 0.6, "village", rural=True),
        T("平江县{zh}漂流有限公司", 1, "91", "9030", 4.0, "village", rural=True),
    ],
    "education": [
        T("平江县{townfull}中心小学", 3, "12", "8321", 1.5, "township"),
        T("平江县{townfull}中学", 2, "12", "8331", 2.0, "township"),
        T("平江县{villagefull}小学", 5, "12", "8321", 0.6, "village"),
        T("平江县{zh}幼儿园", 6, "52", "8310", 1.0),
        T("平江县{townfull}中心幼儿园", 2, "12", "8310", 1.0, "township"),
        T("平江县第{n}中学", 1, "12", "8334", 3.0, "township"),
        T("平江县{zh}职业技术学校", 1, "52", "8336", 2.0),
        T("平江县{zh}培训学校", 1, "52", "8391", 0.5),
    ],
    "medical": [
        T("平江县{townfull}卫生院", 3, "12", "8423", 2.0, "township"),
        T("平江县{villagefull}卫生室", 6, "", "8425", 0.3, "village"),
        T("平江县{zh}诊所", 5, "92", "8425", 0.5),
        T("平江县{zh}口腔门诊部", 2, "91", "8425", 0.5),
        T("平江县{zh}医院", 1, "52", "8411", 4.0),
        T("平江县{zh}中医医院", 1, "52", "8412", 3.0),
    ],
    "elderly_care": [
        T("平江县{townfull}敬老院", 5, "12", "8514", 1.5, "township"),
        T("平江县{zh}养老院", 3, "52", "8514", 1.0),
        T("平江县{zh}康养中心", 2, "91", "8514", 1.0),
        T("平江县{zh}老年公寓", 1, "52", "8514", 1.0),
    ],
    "agriculture": [
        T("平江县{zh}农机专业合作社", 3, "93", "0512", 1.5, "village"),
        T("平江县{zh}种植专业合作社", 4, "93", "0119", 0.5, "village", rural=True),
        T("平江县{zh}茶叶专业合作社", 2, "93", "0164", 0.5, "village", rural=True),
        T("平江县{villagefull}{zh}生猪养殖场", 4, "92", "0313", 1.5, "village", rural=True),
        T("平江县{zh}家庭农场", 4, "92", "0190", 0.5, "village", rural=True),
        T("平江县{zh}水产养殖有限公司", 1, "91", "0412", 1.0, "village", rural=True),
        T("平江县{zh}食用菌专业合作社", 1, "93", "0142", 0.8, "village", rural=True),
    ],
    "natural_resources": [
        T("平江县{zh}地质勘查有限公司", 2, "91", "7472", 1.0),
        T("湖南{zh}地质工程有限公司", 2, "91", "7475", 1.0),
        T("平江县{zh}土石方工程有限公司", 2, "91", "5022", 1.5),
        T("平江县{zh}测绘有限公司", 1, "91", "7449", 0.5),
    ],
    "civil_explosives": [
        T("平江县{zh}民爆器材有限公司", 1, "91", "5169", 1.0),
        T("平江县{zh}爆破工程有限公司", 2, "91", "5022", 1.0),
    ],
}

# Units of each sector in a county of ~2,000 registered units; scaled to the size asked for.
SECTOR_WEIGHTS: dict[str, int] = {
    "commerce": 330,
    "industry_trade": 290,
    "fire": 190,
    "education": 150,
    "food": 120,
    "construction": 120,
    "medical": 100,
    "agriculture": 100,
    "road_transport": 90,
    "culture_tourism": 90,
    "fireworks": 80,
    "hazardous_chemicals": 60,
    "special_equipment": 55,
    "elderly_care": 45,
    "gas": 40,
    "non_coal_mine": 28,
    "waterway": 20,
    "natural_resources": 15,
    "metallurgy": 10,
    "civil_explosives": 5,
}

# How readily a sector's units are put under 重点监管: the high-risk sectors of 《安全生产法》
# 第二十七条 (mines, dangerous goods, metallurgy) nearly all, shops rarely. Scaled so that
# about 30 % of all units are key-supervised.
KEY_RATE: dict[str, float] = {
    "non_coal_mine": 1.0,
    "civil_explosives": 1.0,
    "metallurgy": 1.0,
    "hazardous_chemicals": 0.85,
    "gas": 0.8,
    "waterway": 0.6,
    "elderly_care": 0.6,
    "construction": 0.55,
    "fireworks": 0.5,
    "road_transport": 0.45,
    "education": 0.45,
    "fire": 0.4,
    "natural_resources": 0.4,
    "medical": 0.35,
    "special_equipment": 0.3,
    "culture_tourism": 0.25,
    "food": 0.25,
    "industry_trade": 0.18,
    "commerce": 0.1,
    "agriculture": 0.1,
}

# 字号 (trade names) are two of these characters.
TRADE_CHARS = (
    "鑫宏华兴盛源达顺丰泰安恒福瑞嘉正永金昌隆祥利通旺康和信诚德佳天龙凯晟辉新宇明博远腾邦景汇润鸿"
    "家联创捷益众宝峰盈合亿弘裕锦荣贵友舜湘汨幕阜岳江山城"
)
# Surnames common in the area, the commonest repeated so that they come up more often.
SURNAMES = "李李李张张张王王刘刘陈陈陈杨黄黄吴吴吴周钟钟余余何胡方方邓彭汤朱徐罗毛潘唐曾喻凌童苏袁谢叶艾付"
GIVEN_CHARS = "建国华明军伟平勇强志红英芳丽敏杰涛斌文春秋海波辉林峰雪梅兰燕霞静超亮刚宇鹏飞龙凤桂香云玉俊德"
ROADS = (
    "人民路",
    "建设路",
    "解放路",
    "新华路",
    "向阳路",
    "迎宾路",
    "兴业路",
    "工业园路",
    "商贸街",
    "老街",
    "滨江路",
    "天岳大道",
    "育才路",
    "东兴路",
)
MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "158",
    "159",
    "173",
    "177",
    "180",
    "181",
    "186",
    "187",
    "188",
    "189",
    "199",
)
