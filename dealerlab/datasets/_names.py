"""Fake Chinese names, phones, VINs, store and model catalogues for the synthetic dealer group.

Everything here is invented: names are random surname + given-name draws, phones are random 11-digit numbers with
common mobile prefixes, VINs are random 17-character strings in the VIN alphabet. No real person or vehicle.
"""

from __future__ import annotations

import numpy as np

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌海燕波宇浩凯俊峰晨阳欣怡佳琪子涵雨轩梓睿博思远晓东立新云飞春梅丹慧婷雪莉嘉鑫彬健亮成龙林琳悦"
)
MOBILE_PREFIXES = np.array(["138", "139", "137", "136", "135", "150", "151", "152", "158", "159", "186", "187", "188", "177", "133", "189"])
VIN_ALPHABET = np.array(list("ABCDEFGHJKLMNPRSTUVWXYZ0123456789"))

#: brand, store-name pattern and models with a price band (元) per business type
PASSENGER_BRANDS = [
    ("别克", ["英朗", "君威", "君越", "昂科威Plus", "GL8"], (110_000, 330_000)),
    ("丰田", ["卡罗拉", "凯美瑞", "RAV4荣放", "汉兰达", "亚洲龙"], (110_000, 300_000)),
    ("大众", ["朗逸", "速腾", "迈腾", "探岳", "帕萨特"], (100_000, 260_000)),
    ("本田", ["思域", "雅阁", "CR-V", "皓影", "艾力绅"], (110_000, 280_000)),
    ("日产", ["轩逸", "天籁", "逍客", "奇骏", "楼兰"], (100_000, 250_000)),
]
COMMERCIAL_BRANDS = [
    ("解放", ["J6P牵引车", "JH6牵引车", "J6F轻卡", "虎V轻卡", "悍V自卸车"], (90_000, 480_000)),
    ("东风", ["天龙KL牵引车", "天锦中卡", "多利卡轻卡", "凯普特轻卡", "天龙VL自卸车"], (90_000, 450_000)),
    ("重汽", ["豪沃TX牵引车", "汕德卡C7H", "豪沃统帅轻卡", "豪沃自卸车", "汕德卡G5"], (100_000, 500_000)),
]
# (city, region, company-name stem)
CITIES = [
    ("杭州", "华东", "之江"),
    ("南京", "华东", "瑞丰"),
    ("合肥", "华东", "远航"),
    ("苏州", "华东", "吴越"),
    ("宁波", "华东", "甬达"),
    ("武汉", "华中", "江城"),
    ("长沙", "华中", "湘通"),
    ("郑州", "华中", "中原"),
    ("成都", "西南", "天府"),
    ("重庆", "西南", "渝信"),
    ("西安", "西北", "长安"),
    ("济南", "华北", "泉城"),
    ("青岛", "华北", "海湾"),
    ("天津", "华北", "津诚"),
    ("石家庄", "华北", "燕赵"),
    ("广州", "华南", "穗丰"),
    ("深圳", "华南", "鹏程"),
    ("福州", "华南", "榕辉"),
    ("沈阳", "东北", "盛京"),
    ("哈尔滨", "东北", "冰城"),
]
ACCOUNT_STEMS = {
    "党政军": ["市机关事务管理局", "区城市管理局", "市公安局交警支队", "县人民政府办公室", "市生态环境局"],
    "国有企业": ["城建集团有限公司", "电力工程有限公司", "交通投资集团", "水务集团有限公司", "燃气集团有限公司"],
    "外资企业": ["精密机械（中国）有限公司", "食品（中国）有限公司", "化工（中国）有限公司"],
    "民营企业": ["建材有限公司", "电子科技有限公司", "物业服务有限公司", "环保科技有限公司", "农业发展有限公司"],
    "科教文卫": ["市第一人民医院", "职业技术学院", "市中心医院", "市实验中学"],
    "金融保险": ["农村商业银行", "财产保险分公司", "融资租赁有限公司"],
    "物流运输": ["物流有限公司", "冷链运输有限公司", "供应链管理有限公司", "快运有限公司", "货运有限公司"],
    "其他": ["文化传媒有限公司", "商贸有限公司", "旅游客运有限公司"],
}


def person_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` fake Chinese names (surname + one or two given characters)."""
    s = np.array(SURNAMES)[rng.integers(0, len(SURNAMES), n)]
    g = np.array(GIVEN)
    g1 = g[rng.integers(0, len(g), n)]
    g2 = np.where(rng.random(n) < 0.65, g[rng.integers(0, len(g), n)], "")
    return np.char.add(np.char.add(s, g1), g2)


def phones(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` fake mobile numbers like 138xxxxxxxx."""
    pre = MOBILE_PREFIXES[rng.integers(0, len(MOBILE_PREFIXES), n)]
    tail = rng.integers(0, 100_000_000, n)
    return np.char.add(pre, np.char.zfill(tail.astype(str), 8))


def vins(rng: np.random.Generator, n: int, *, wmi: str = "LSV") -> np.ndarray:
    """``n`` fake 17-character VINs starting with a Chinese-style WMI."""
    body = VIN_ALPHABET[rng.integers(0, len(VIN_ALPHABET), (n, 14))]
    joined = np.ascontiguousarray(body).view("<U14").ravel()
    return np.char.add(wmi, joined)
