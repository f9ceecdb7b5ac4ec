"""The demo hall loaded by `manage.py load_demo`: plain constants, no logic.

A fictional district centre laid out like a real Chinese district hall. The names of matters and laws
are real; every code, phone number, address and person is made up.

Codes used below:
- 基本编码 (12 chars): 2-digit matter type + 4-digit subject area of the department + 3-digit item + 3-digit
  sub-item (variants of one item, e.g. the kinds of 不动产转移登记, share the first nine characters).
- 实施编码: the implementing department's 统一社会信用代码 (18 chars, valid GB 32100 check character) + "3" +
  the basic code, the shape used by provincial service platforms. The loader builds it.
"""

from datetime import time

DEMO_PASSWORD = "hall-demo-2026"
DEMO_CENTER_CODE = "DEMO"
CITY_CENTER_CODE = "CITY"
STREET_CENTER_CODE = "DEMO-DH"
STATION_CENTER_CODE = "DEMO-WHL"  # a community station (便民服务站): no queues, takes numbers in the halls above it

COMPLAINT_PHONE = "12345"
OFFICE_HOURS = "工作日 8:30-12:00，13:30-17:00（法定节假日除外）"
FLOOR_LABELS = {"1F": "一楼", "2F": "二楼"}

# (role label in English, username), for the README and the summary of the command.
DEMO_LOGINS = [
    ("System administrator (superuser)", "admin"),
    ("Centre administrator", "center_admin"),
    ("Hall supervisor", "supervisor"),
    ("Department head, market regulation", "dept_head_scjg"),
    ("Window clerk, commercial registration", "clerk01"),
    ("Window clerk, real estate registration", "clerk03"),
    ("Window clerk, general window", "clerk10"),
    ("Window clerk, pickup / assisted service", "clerk12"),
    ("Community station worker (takes numbers for citizens)", "station1"),
    ("Citizen (portal: mobile 13800000001)", "citizen01"),
]

# ----------------------------------------------------------------------------------------------------
# Centres and zones
# ----------------------------------------------------------------------------------------------------

# Parents come before their children.
CENTERS = [
    {
        "code": CITY_CENTER_CODE,
        "name": "示范市政务服务中心",
        "level": "city",
        "parent": None,
        "address": "示范市市民中心B座1-3层",
    },
    {
        "code": DEMO_CENTER_CODE,
        "name": "示范区政务服务中心",
        "level": "district",
        "parent": CITY_CENTER_CODE,
        "address": "示范区文化路168号",
    },
    {
        "code": STREET_CENTER_CODE,
        "name": "示范区东湖街道便民服务中心",
        "level": "street",
        "parent": DEMO_CENTER_CODE,
        "address": "示范区东湖路25号",
    },
    {
        "code": STATION_CENTER_CODE,
        "name": "示范区文化路社区便民服务站",
        "level": "community",
        "parent": DEMO_CENTER_CODE,
        "address": "示范区文化路社区居委会一楼",
    },
]

# (centre code, zone code, name, floor)
ZONES = [
    (DEMO_CENTER_CODE, "SHANGSHI", "商事登记", "2F"),
    (DEMO_CENTER_CODE, "BUDONGCHAN", "不动产登记", "2F"),
    (DEMO_CENTER_CODE, "SHEBAO", "社保医保", "1F"),
    (DEMO_CENTER_CODE, "SHUIWU", "税务", "2F"),
    (DEMO_CENTER_CODE, "CHURUJING", "公安出入境", "1F"),
    (DEMO_CENTER_CODE, "ZONGHE", "无差别综合受理", "1F"),
    (DEMO_CENTER_CODE, "CHUJIAN", "统一出件", "1F"),
    (STREET_CENTER_CODE, "ZONGHE", "综合受理", "1F"),
]

# ----------------------------------------------------------------------------------------------------
# Departments
# ----------------------------------------------------------------------------------------------------

# `zone` is the zone of the district hall where the department's matters are handled (its matters' place);
# `credit_code` is the department's (fictional) unified social credit code.
DEPARTMENTS = [
    {
        "code": "SCJG",
        "name": "示范区市场监督管理局",
        "short_name": "区市场监管局",
        "phone": "0571-87062310",
        "zone": "SHANGSHI",
        "credit_code": "113301050025103110",
    },
    {
        "code": "ZRZY",
        "name": "示范区自然资源和规划局（不动产登记中心）",
        "short_name": "不动产登记中心",
        "phone": "0571-87062425",
        "zone": "BUDONGCHAN",
        "credit_code": "11330105002513387F",
    },
    {
        "code": "RSJ",
        "name": "示范区人力资源和社会保障局",
        "short_name": "区人力社保局",
        "phone": "0571-87062536",
        "zone": "SHEBAO",
        "credit_code": "11330105002516457P",
    },
    {
        "code": "YBJ",
        "name": "示范区医疗保障局",
        "short_name": "区医保局",
        "phone": "0571-87062548",
        "zone": "SHEBAO",
        "credit_code": "113301050025195270",
    },
    {
        "code": "SWJ",
        "name": "国家税务总局示范区税务局",
        "short_name": "区税务局",
        "phone": "0571-87062660",
        "zone": "SHUIWU",
        "credit_code": "11330105002522590N",
    },
    {
        "code": "GACRJ",
        "name": "示范市公安局示范区分局出入境管理大队",
        "short_name": "出入境管理大队",
        "phone": "0571-87062771",
        "zone": "CHURUJING",
        "credit_code": "11330105002525660Y",
    },
    {
        "code": "ZJJ",
        "name": "示范区住房和城乡建设局",
        "short_name": "区住建局",
        "phone": "0571-87062812",
        "zone": "ZONGHE",
        "credit_code": "113301050025287307",
    },
    {
        "code": "WJW",
        "name": "示范区卫生健康委员会",
        "short_name": "区卫健委",
        "phone": "0571-87062833",
        "zone": "ZONGHE",
        "credit_code": "11330105002531809T",
    },
    {
        "code": "MZJ",
        "name": "示范区民政局",
        "short_name": "区民政局",
        "phone": "0571-87062845",
        "zone": "ZONGHE",
        "credit_code": "113301050025348748",
    },
    {
        "code": "JTJ",
        "name": "示范区交通运输局",
        "short_name": "区交通局",
        "phone": "0571-87062857",
        "zone": "ZONGHE",
        "credit_code": "11330105002537047N",
    },
]

# ----------------------------------------------------------------------------------------------------
# Queues
# ----------------------------------------------------------------------------------------------------

OPENS_AT = time(8, 30)
CLOSES_AT = time(17, 0)
# The lunch break the guides announce (午间休息): no numbers are given from 12:00 to 13:30.
BREAK_STARTS_AT, BREAK_ENDS_AT = time(12, 0), time(13, 30)

# A queue serves every matter of its `departments` plus the matters named in `matters` (by name).
QUEUES = [
    {
        "center": DEMO_CENTER_CODE,
        "prefix": "A",
        "name": "商事登记",
        "zone": "SHANGSHI",
        "mean_service_minutes": 20,
        "daily_cap": None,
        "departments": ["SCJG"],
        "matters": [],
    },
    {
        "center": DEMO_CENTER_CODE,
        "prefix": "B",
        "name": "不动产登记",
        "zone": "BUDONGCHAN",
        "mean_service_minutes": 25,
        "daily_cap": None,
        "departments": ["ZRZY"],
        # 交易、税收、登记一窗受理: the tax return of a sale is taken at the real estate windows too.
        "matters": ["存量房交易税费申报"],
    },
    {
        "center": DEMO_CENTER_CODE,
        "prefix": "C",
        "name": "社保医保",
        "zone": "SHEBAO",
        "mean_service_minutes": 10,
        "daily_cap": None,
        "departments": ["RSJ", "YBJ"],
        "matters": [],
    },
    {
        "center": DEMO_CENTER_CODE,
        "prefix": "D",
        "name": "税务",
        "zone": "SHUIWU",
        "mean_service_minutes": 12,
        "daily_cap": None,
        "departments": ["SWJ"],
        "matters": [],
    },
    {
        "center": DEMO_CENTER_CODE,
        "prefix": "E",
        "name": "出入境",
        "zone": "CHURUJING",
        "mean_service_minutes": 8,
        "daily_cap": 300,
        "departments": ["GACRJ"],
        "matters": [],
    },
    {
        "center": DEMO_CENTER_CODE,
        "prefix": "F",
        "name": "综合受理",
        "zone": "ZONGHE",
        "mean_service_minutes": 15,
        "daily_cap": None,
        "departments": ["ZJJ", "WJW", "MZJ", "JTJ"],
        "matters": [],
    },
    {
        "center": DEMO_CENTER_CODE,
        "prefix": "G",
        "name": "统一出件",
        "zone": "CHUJIAN",
        "mean_service_minutes": 3,
        "daily_cap": None,
        "departments": [],
        "matters": [],
    },
    {
        "center": DEMO_CENTER_CODE,
        "prefix": "H",
        "name": "帮办代办",
        "zone": "ZONGHE",
        "mean_service_minutes": 30,
        "daily_cap": 60,
        "departments": [],
        "matters": [
            "有限责任公司设立登记",
            "有限责任公司注销登记",
            "食品经营许可证核发",
            "建筑工程施工许可证核发",
            "商品房预售许可",
            "企业职工正常退休养老金申领",
            "最低生活保障审核确认",
            "困难残疾人生活补贴和重度残疾人护理补贴",
        ],
    },
    {
        "center": STREET_CENTER_CODE,
        "prefix": "A",
        "name": "综合受理",
        "zone": "ZONGHE",
        "mean_service_minutes": 10,
        "daily_cap": None,
        "departments": [],
        "matters": [
            "个体工商户设立登记",
            "城乡居民基本养老保险参保登记",
            "社会保障卡申领",
            "社会保障卡挂失与补换",
            "就业登记",
            "城乡居民基本医疗保险参保登记",
            "异地就医备案",
            "最低生活保障审核确认",
            "困难残疾人生活补贴和重度残疾人护理补贴",
            "高龄津贴申领",
        ],
    },
]

# ----------------------------------------------------------------------------------------------------
# Windows
# ----------------------------------------------------------------------------------------------------

# (centre code, number, zone code, name, kind, department code or None, {queue prefix: weight}).
# A general window serves every queue of its centre; the loader links it to all of them with weight 1.
WINDOWS = [
    (DEMO_CENTER_CODE, 1, "SHANGSHI", "企业开办专窗", "specialized", "SCJG", {"A": 2, "H": 1}),
    (DEMO_CENTER_CODE, 2, "SHANGSHI", "商事登记", "specialized", "SCJG", {"A": 2}),
    (DEMO_CENTER_CODE, 3, "SHANGSHI", "商事登记", "specialized", "SCJG", {"A": 2}),
    (DEMO_CENTER_CODE, 4, "SHANGSHI", "食品药品许可", "specialized", "SCJG", {"A": 2}),
    (DEMO_CENTER_CODE, 5, "BUDONGCHAN", "不动产登记", "specialized", "ZRZY", {"B": 2}),
    (DEMO_CENTER_CODE, 6, "BUDONGCHAN", "不动产登记", "specialized", "ZRZY", {"B": 2}),
    (DEMO_CENTER_CODE, 7, "BUDONGCHAN", "抵押登记", "specialized", "ZRZY", {"B": 2}),
    (DEMO_CENTER_CODE, 8, "BUDONGCHAN", "不动产交易税收", "specialized", "SWJ", {"B": 2, "D": 1}),
    (DEMO_CENTER_CODE, 9, "SHEBAO", "社保参保", "specialized", "RSJ", {"C": 2}),
    (DEMO_CENTER_CODE, 10, "SHEBAO", "社保待遇", "specialized", "RSJ", {"C": 2}),
    (DEMO_CENTER_CODE, 11, "SHEBAO", "医保服务", "specialized", "YBJ", {"C": 2}),
    (DEMO_CENTER_CODE, 12, "SHEBAO", "医保服务", "specialized", "YBJ", {"C": 2}),
    (DEMO_CENTER_CODE, 13, "SHUIWU", "办税服务", "specialized", "SWJ", {"D": 2}),
    (DEMO_CENTER_CODE, 14, "SHUIWU", "办税服务", "specialized", "SWJ", {"D": 2}),
    (DEMO_CENTER_CODE, 15, "SHUIWU", "发票业务", "specialized", "SWJ", {"D": 2}),
    (DEMO_CENTER_CODE, 16, "CHURUJING", "出入境证件受理", "specialized", "GACRJ", {"E": 2}),
    (DEMO_CENTER_CODE, 17, "CHURUJING", "出入境证件受理", "specialized", "GACRJ", {"E": 2}),
    (DEMO_CENTER_CODE, 18, "CHURUJING", "外国人证件受理", "specialized", "GACRJ", {"E": 2}),
    (DEMO_CENTER_CODE, 19, "ZONGHE", "综合受理", "general", None, {}),
    (DEMO_CENTER_CODE, 20, "ZONGHE", "综合受理", "general", None, {}),
    (DEMO_CENTER_CODE, 21, "ZONGHE", "综合受理", "general", None, {}),
    (DEMO_CENTER_CODE, 22, "ZONGHE", "潮汐窗口", "tidal", None, {"A": 1, "B": 1, "F": 1}),
    (DEMO_CENTER_CODE, 23, "ZONGHE", "潮汐窗口", "tidal", None, {"C": 1, "D": 1, "E": 1}),
    (DEMO_CENTER_CODE, 24, "ZONGHE", "帮办代办", "assist", None, {"H": 2, "F": 1}),
    (DEMO_CENTER_CODE, 25, "CHUJIAN", "统一出件", "pickup", None, {"G": 2}),
    (DEMO_CENTER_CODE, 26, "CHUJIAN", "统一出件", "pickup", None, {"G": 2}),
    (STREET_CENTER_CODE, 1, "ZONGHE", "综合受理", "general", None, {}),
    (STREET_CENTER_CODE, 2, "ZONGHE", "综合受理", "general", None, {}),
]

# ----------------------------------------------------------------------------------------------------
# People
# ----------------------------------------------------------------------------------------------------

# username, first name (the whole Chinese name), is_staff, is_superuser,
# and the memberships as (centre code, role, department code or None).
USERS = [
    ("admin", "系统管理员", True, True, [(DEMO_CENTER_CODE, "center_admin", None)]),
    ("center_admin", "张建国", True, False, [(DEMO_CENTER_CODE, "center_admin", None)]),
    ("supervisor", "李秀英", False, False, [(DEMO_CENTER_CODE, "supervisor", None)]),
    ("dept_head_scjg", "黄志明", False, False, [(DEMO_CENTER_CODE, "department_head", "SCJG")]),
    ("clerk01", "王丽", False, False, [(DEMO_CENTER_CODE, "clerk", "SCJG")]),
    ("clerk02", "陈浩", False, False, [(DEMO_CENTER_CODE, "clerk", "SCJG")]),
    ("clerk03", "刘洋", False, False, [(DEMO_CENTER_CODE, "clerk", "ZRZY")]),
    ("clerk04", "赵敏", False, False, [(DEMO_CENTER_CODE, "clerk", "ZRZY")]),
    ("clerk05", "孙婷", False, False, [(DEMO_CENTER_CODE, "clerk", "RSJ")]),
    ("clerk06", "周杰", False, False, [(DEMO_CENTER_CODE, "clerk", "YBJ")]),
    ("clerk07", "吴芳", False, False, [(DEMO_CENTER_CODE, "clerk", "SWJ")]),
    ("clerk08", "郑磊", False, False, [(DEMO_CENTER_CODE, "clerk", "SWJ")]),
    ("clerk09", "冯雪", False, False, [(DEMO_CENTER_CODE, "clerk", "GACRJ")]),
    # General, tidal, assist and pickup windows belong to the centre rather than to a department.
    ("clerk10", "何静", False, False, [(DEMO_CENTER_CODE, "clerk", None)]),
    ("clerk11", "许强", False, False, [(DEMO_CENTER_CODE, "clerk", None)]),
    ("clerk12", "林晓燕", False, False, [(DEMO_CENTER_CODE, "clerk", None)]),
    # The community station's worker takes numbers in the district hall on behalf of residents (社区代取号).
    ("station1", "钱晓红", False, False, [(STATION_CENTER_CODE, "clerk", None)]),
    ("citizen01", "张伟", False, False, []),
    ("citizen02", "李娜", False, False, []),
    ("citizen03", "王芳", False, False, []),
]


# Demo citizens sign in to the portal with their mobile number and DEMO_PASSWORD. The identity numbers are made up:
# the first 17 characters are given, the loader appends the GB 11643 check character. 王芳 is over 70.
CITIZENS = [
    # username, mobile, real name, first 17 characters of the identity number
    ("citizen01", "13800000001", "张伟", "33010519850312003"),
    ("citizen02", "13800000002", "李娜", "33010619920708002"),
    ("citizen03", "13800000003", "王芳", "33010219500121004"),
]
