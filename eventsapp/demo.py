"""Demo data: the 2017 Shanghai campaign as it happened, and a current campaign in the coming weeks.

Everything goes through the catalogue services, like the back office. Idempotent: each record is
looked up by its natural key first and left untouched when present. Flushes only; the caller commits.
"""
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import select

from .accounts.models import User
from .accounts.services import create_organizer, find_user_by_email
from .catalogue.details import (
    CampaignDetails,
    EventDetails,
    OrganizationDetails,
    RoomDetails,
    SessionDetails,
    SpeakerDetails,
    VenueDetails,
)
from .catalogue.models import Campaign, Event, EventSession, EventStatus, Organization, Sector, Venue
from .catalogue.services import (
    cancel_event,
    publish_event,
    save_campaign,
    save_event,
    save_organization,
    save_session,
    save_venue,
)
from .catalogue.uscc import uscc_check_character
from .database import utcnow
from .demo_attendance import load_demo_attendance
from .demo_companies import COMPANY_PASSWORD, LEAD_EMAIL, load_demo_companies
from .extensions import db
from .timezones import local_to_utc, utc_to_local

TIMEZONE = "Asia/Shanghai"  # every demo venue is in Shanghai, whatever the DEFAULT_TIMEZONE setting
ORGANIZER_EMAIL = "organizer@example.com"
ORGANIZER_PASSWORD = "demo-organizer-2026"
BUREAU_ZH, BUREAU_EN = "上海市质量发展局", "Shanghai Municipal Quality Development Bureau"
# What the summary counts, singular and plural.
KINDS = (("campaign", "campaigns"), ("organization", "organizations"), ("venue", "venues"), ("event", "events"),
         ("session", "sessions"), ("organizer account", "organizer accounts"), ("company account", "company accounts"),
         ("host application", "host applications"), ("delegation", "delegations"),
         ("registration", "registrations"))

# uscc: the first 17 characters (authority, type, division code, organization code); the check is added.
ORGANIZATIONS = {
    "shentong": dict(name_zh="上海申通地铁集团有限公司", name_en="Shanghai Shentong Metro Group Co., Ltd.",
                     sector=Sector.TRANSPORT, website="https://www.shmetro.com", uscc="91310000132215466",
                     description_zh="负责上海城市轨道交通投资、建设与运营管理。",
                     description_en="Invests in, builds and operates Shanghai's urban rail transit network."),
    "cscec8": dict(name_zh="中国建筑第八工程局有限公司",
                   name_en="China Construction Eighth Engineering Division Co., Ltd.",
                   sector=Sector.CONSTRUCTION, website="https://www.cscec8b.com.cn", uscc="91310000630137502",
                   description_zh="中国建筑集团骨干企业，承建大型公共建筑与基础设施。",
                   description_en="A core company of CSCEC, building large public buildings and infrastructure."),
    "zpmc": dict(name_zh="上海振华重工（集团）股份有限公司", name_en="Shanghai Zhenhua Heavy Industries Co., Ltd.",
                 sector=Sector.HEAVY_INDUSTRY, website="https://www.zpmc.com", uscc="91310000607206953",
                 description_zh="港口机械与大型钢结构制造商，产品遍及全球港口。",
                 description_en="Maker of port cranes and heavy steel structures used in ports worldwide."),
    "zhangjiang": dict(name_zh="上海张江高科技园区开发股份有限公司",
                       name_en="Shanghai Zhangjiang Hi-Tech Park Development Co., Ltd.",
                       sector=Sector.SERVICES, uscc="91310115132264081",
                       description_zh="张江高科技园区的开发与运营主体，服务园区创新企业。",
                       description_en="Develops and runs Zhangjiang Hi-Tech Park and serves its innovative companies."),
    "xince": dict(name_zh="上海芯策微电子有限公司", name_en="Shanghai Xince Microelectronics Co., Ltd.",
                  sector=Sector.INTEGRATED_CIRCUITS, uscc="91310115MA1H7KQ32",
                  description_zh="专注于工业控制芯片设计与晶圆级测试。",
                  description_en="Designs industrial control chips and runs wafer-level testing."),
    "yunheng": dict(name_zh="上海云衡软件科技有限公司", name_en="Shanghai Yunheng Software Technology Co., Ltd.",
                    sector=Sector.SOFTWARE, uscc="91310115MA1K3N8T5",
                    description_zh="为制造企业提供质量管理软件与数据平台。",
                    description_en="Builds quality-management software and data platforms for manufacturers."),
    "kangyuan": dict(name_zh="上海康源生物医药有限公司", name_en="Shanghai Kangyuan Biopharma Co., Ltd.",
                     sector=Sector.BIOTECH,
                     description_zh="从事抗体药物研发与GMP条件下的中试生产。",
                     description_en="Develops antibody drugs and runs GMP pilot production."),
    "shijiao": dict(name_zh="上海视角新媒体文化传播有限公司", name_en="Shanghai Shijiao New Media Co., Ltd.",
                    sector=Sector.NEW_MEDIA,
                    description_zh="制作面向年轻受众的科普短视频与直播节目。",
                    description_en="Produces popular-science short videos and live shows for young audiences."),
    "zhiheng": dict(name_zh="上海智衡智能装备有限公司", name_en="Shanghai Zhiheng Intelligent Equipment Co., Ltd.",
                    sector=Sector.INTELLIGENT_MANUFACTURING,
                    description_zh="研制工业机器人视觉检测与柔性装配产线。",
                    description_en="Builds machine-vision inspection and flexible assembly lines for robots."),
    "dongpu": dict(name_zh="上海东浦精密机械股份有限公司", name_en="Shanghai Dongpu Precision Machinery Co., Ltd.",
                   sector=Sector.INTELLIGENT_MANUFACTURING, uscc="91310114MA1GT4R07",
                   description_zh="为汽车与医疗器械行业加工高精度零部件。",
                   description_en="Machines high-precision parts for the automotive and medical-device industries."),
    "pujiang": dict(name_zh="上海浦江质量检测技术服务有限公司",
                    name_en="Shanghai Pujiang Quality Testing Services Co., Ltd.",
                    sector=Sector.SERVICES,
                    description_zh="为中小企业提供检验检测、计量与认证咨询服务。",
                    description_en="Offers testing, metrology and certification advice to small and medium firms."),
}

ORGANIZATION_NAMES_EN = {fields["name_zh"]: fields["name_en"] for fields in ORGANIZATIONS.values()} | {
    BUREAU_ZH: BUREAU_EN}
SPEAKER_NAMES = {
    "王建国": "Wang Jianguo", "陈志刚": "Chen Zhigang", "张丽华": "Zhang Lihua", "刘洋": "Liu Yang",
    "赵宏": "Zhao Hong", "周晓峰": "Zhou Xiaofeng", "孙蕾": "Sun Lei", "吴海涛": "Wu Haitao",
    "郑雪": "Zheng Xue", "黄磊": "Huang Lei", "徐婷": "Xu Ting", "朱明": "Zhu Ming", "胡静": "Hu Jing",
    "高峰": "Gao Feng", "林晓": "Lin Xiao", "何军": "He Jun", "马丽": "Ma Li", "罗斌": "Luo Bin",
    "梁晨": "Liang Chen", "李敏": "Li Min",
}
JOB_TITLES = {
    "副局长": "Deputy Director-General", "局长": "Director-General", "质量处处长": "Head of the Quality Division",
    "运营管理部总经理": "General Manager, Operations Management", "车辆分公司总工程师": "Chief Engineer, Rolling Stock",
    "总工程师": "Chief Engineer", "BIM中心主任": "Head of the BIM Centre", "质量管理部经理": "Quality Manager",
    "质量总监": "Quality Director", "焊接工艺主任工程师": "Lead Welding Process Engineer",
    "副总经理": "Deputy General Manager", "质量副总裁": "Vice President, Quality",
    "首席技术官": "Chief Technology Officer", "质量保证总监": "Director of Quality Assurance",
    "总经理": "General Manager", "内容总监": "Content Director",
    "数字化中心主任": "Head of the Digital Centre", "BIM工程师": "BIM Engineer",
    "技术中心副主任": "Deputy Head of the Technology Centre", "维保中心主任": "Head of the Maintenance Centre",
    "质量经理": "Quality Manager", "技术总监": "Technical Director",
}


def rooms(*names: str) -> tuple[RoomDetails, ...]:
    """Rooms written "中文名 / English name", as the sessions below name them."""
    return tuple(RoomDetails(*name.split(" / ")) for name in names)


def room_key(room: RoomDetails) -> str:
    return f"{room.name_zh} / {room.name_en}"


def speaker(name_zh: str, job_title_zh: str, organization_zh: str) -> SpeakerDetails:
    """A speaker of the data below, in both languages."""
    return SpeakerDetails(name_zh=name_zh, name_en=SPEAKER_NAMES[name_zh], job_title_zh=job_title_zh,
                          job_title_en=JOB_TITLES[job_title_zh], organization_zh=organization_zh,
                          organization_en=ORGANIZATION_NAMES_EN[organization_zh])


_SH = dict(city_zh="上海市", city_en="Shanghai", timezone=TIMEZONE)
VENUES = {
    "shentong_hq": dict(_SH, name_zh="申通地铁大厦", name_en="Shentong Metro Building",
                        address_zh="徐汇区衡山路12号", address_en="12 Hengshan Road, Xuhui District",
                        district_zh="徐汇区", district_en="Xuhui District", latitude=31.2077, longitude=121.4459,
                        capacity=200, rooms=rooms("一楼报告厅 / Ground-floor Auditorium",
                                                  "运营控制中心参观廊 / OCC Gallery"),
                        directions_zh="地铁1号线衡山路站3号口，步行约5分钟。",
                        directions_en="Metro Line 1 to Hengshan Road, exit 3, then a 5-minute walk."),
    "cscec_tower": dict(_SH, name_zh="中建大厦", name_en="China Construction Tower",
                        address_zh="浦东新区世纪大道1568号", address_en="1568 Century Avenue, Pudong New Area",
                        district_zh="浦东新区", district_en="Pudong New Area", latitude=31.2291, longitude=121.5274,
                        capacity=260, rooms=rooms("三楼多功能厅 / 3F Multi-function Hall",
                                                  "BIM展示中心 / BIM Showroom"),
                        directions_zh="地铁2、4、6、9号线世纪大道站，6号口出站即到。",
                        directions_en="Metro Lines 2, 4, 6 or 9 to Century Avenue, exit 6."),
    "zpmc_changxing": dict(_SH, name_zh="振华重工长兴基地", name_en="ZPMC Changxing Island Base",
                           address_zh="崇明区长兴镇潘园公路1530号",
                           address_en="1530 Panyuan Road, Changxing Town, Chongming",
                           district_zh="崇明区", district_en="Chongming District", latitude=31.3687, longitude=121.7166,
                           capacity=150, rooms=rooms("基地会议中心 / Base Conference Centre",
                                                     "总装码头 / Assembly Quay"),
                           directions_zh="12:15从浦东新区东方路3261号发车接驳班车；自驾经长江隧桥（G40）。",
                           directions_en="Shuttle bus at 12:15 from 3261 Dongfang Road, Pudong; by car via the G40 "
                                         "Yangtze River tunnel and bridge."),
    "zhangjiang_expo": dict(_SH, name_zh="张江高科技园区展示中心", name_en="Zhangjiang Hi-Tech Park Exhibition Centre",
                            address_zh="浦东新区张衡路666号", address_en="666 Zhangheng Road, Pudong New Area",
                            district_zh="浦东新区", district_en="Pudong New Area", latitude=31.2035, longitude=121.5963,
                            capacity=300, rooms=rooms("主会场 / Main Hall", "企业展区 / Company Showcase"),
                            directions_zh="地铁2号线张江高科站，步行约10分钟。",
                            directions_en="Metro Line 2 to Zhangjiang Hi-Tech Park, then a 10-minute walk."),
    "dongpu_jiading": dict(_SH, name_zh="东浦精密嘉定工厂", name_en="Dongpu Precision Jiading Plant",
                           address_zh="嘉定区兴贤路1180号", address_en="1180 Xingxian Road, Jiading District",
                           district_zh="嘉定区", district_en="Jiading District", latitude=31.3521, longitude=121.2447,
                           capacity=90, rooms=rooms("培训教室 / Training Room", "精加工车间 / Finishing Workshop"),
                           directions_zh="地铁11号线嘉定新城站，换乘出租车约10分钟。",
                           directions_en="Metro Line 11 to Jiading Xincheng, then about 10 minutes by taxi."),
    "xince_lingang": dict(_SH, name_zh="芯策微电子临港工厂", name_en="Xince Microelectronics Lingang Fab",
                          address_zh="浦东新区临港新片区云鹃路188号",
                          address_en="188 Yunjuan Road, Lingang, Pudong New Area",
                          district_zh="浦东新区", district_en="Pudong New Area", latitude=30.9012, longitude=121.9065,
                          capacity=130, rooms=rooms("报告厅 / Auditorium", "洁净室参观走廊 / Cleanroom Gallery"),
                          directions_zh="地铁16号线滴水湖站，13:00有接驳车。",
                          directions_en="Metro Line 16 to Dishui Lake; a shuttle leaves at 13:00."),
    "sicc": dict(_SH, name_zh="上海国际会议中心", name_en="Shanghai International Convention Center",
                 address_zh="浦东新区滨江大道2727号", address_en="2727 Riverside Avenue, Pudong New Area",
                 district_zh="浦东新区", district_en="Pudong New Area", latitude=31.2405, longitude=121.4963,
                 capacity=800, rooms=rooms("七楼长江厅 / 7F Yangtze Hall",),
                 directions_zh="地铁2号线陆家嘴站1号口，沿滨江步行约8分钟。",
                 directions_en="Metro Line 2 to Lujiazui, exit 1, then 8 minutes along the river."),
}

# A session: (start, end, title_zh, title_en, room, abstract_zh, abstract_en, speakers (name, job title, org)),
# speakers in Chinese, their English in SPEAKER_NAMES, JOB_TITLES and the organizations' names.
OFFICIAL = ("王建国", "副局长", BUREAU_ZH)
EVENTS_2017: tuple[dict[str, Any], ...] = (
    dict(day=date(2017, 6, 15), host="shentong", venue="shentong_hq", capacity=150, start="13:30", end="17:00",
         title_zh="城市轨道交通的运营质量管理", title_en="Operating quality in urban rail transit",
         description_zh="走进申通地铁，了解日均千万客流背后的安全、准点与服务质量管理。",
         description_en="Inside Shentong Metro: safety, punctuality and service for ten million daily rides.",
         sessions=(
             ("13:30", "13:45", "开幕致辞", "Opening remarks", "一楼报告厅 / Ground-floor Auditorium",
              "介绍2017年系列活动的安排与目标。", "The plan and goals of the 2017 series.", (OFFICIAL,)),
             ("13:45", "14:30", "安全、准点、服务：地铁运营质量体系",
              "Safe, punctual, caring: the metro quality system",
              "一楼报告厅 / Ground-floor Auditorium", "从故障响应到乘客投诉闭环的全流程管理。",
              "From incident response to closing the loop on passenger complaints.",
              (("陈志刚", "运营管理部总经理", "上海申通地铁集团有限公司"),)),
             ("14:30", "15:15", "以可靠性为中心的车辆维修", "Reliability-centred maintenance of rolling stock",
              "一楼报告厅 / Ground-floor Auditorium", "用故障数据优化检修周期，减少正线故障。",
              "Using failure data to tune maintenance intervals and cut in-service faults.",
              (("张丽华", "车辆分公司总工程师", "上海申通地铁集团有限公司"),)),
             ("15:30", "16:30", "参观运营控制中心", "Visit of the operations control centre",
              "运营控制中心参观廊 / OCC Gallery",
              "现场观看全网列车调度。", "Watch network-wide train dispatching live.", ()),
             ("16:30", "17:00", "交流讨论", "Open discussion", "一楼报告厅 / Ground-floor Auditorium",
              "与会企业交流服务质量改进经验。", "Participants compare notes on improving service quality.",
              (("陈志刚", "运营管理部总经理", "上海申通地铁集团有限公司"), ("刘洋", "质量处处长", BUREAU_ZH))),
         )),
    dict(day=date(2017, 7, 20), host="cscec8", venue="cscec_tower", capacity=200, start="13:30", end="17:00",
         title_zh="铸造精品工程的质量文化", title_en="A culture of excellence in construction",
         description_zh="中建八局分享精品工程创建、质量样板引路与BIM质量管控经验。",
         description_en="CSCEC 8th Division on landmark projects, quality mock-ups and BIM-based quality control.",
         sessions=(
             ("13:30", "13:45", "开幕致辞", "Opening remarks", "三楼多功能厅 / 3F Multi-function Hall",
              "第二场活动开场。", "Opening of the second event.", (OFFICIAL,)),
             ("13:45", "14:40", "精品工程是怎样炼成的", "How landmark projects are built right",
              "三楼多功能厅 / 3F Multi-function Hall", "质量样板引路、工序交接检与创优策划。",
              "Quality mock-ups, handover inspections between trades and planning for awards.",
              (("赵宏", "总工程师", "中国建筑第八工程局有限公司"),)),
             ("14:40", "15:30", "BIM在质量管控中的应用", "BIM for quality control on site",
              "BIM展示中心 / BIM Showroom",
              "以模型驱动的质量检查与问题追踪。", "Model-driven inspections and issue tracking.",
              (("周晓峰", "BIM中心主任", "中国建筑第八工程局有限公司"),)),
             ("15:45", "16:30", "工匠精神与班组质量管理", "Craftsmanship and quality in work crews",
              "三楼多功能厅 / 3F Multi-function Hall", "一线班组如何把质量要求落到每道工序。",
              "How site crews carry quality requirements into every step.",
              (("孙蕾", "质量管理部经理", "中国建筑第八工程局有限公司"),)),
         )),
    dict(day=date(2017, 9, 14), host="zpmc", venue="zpmc_changxing", capacity=120, start="13:30", end="17:00",
         title_zh="大国重器的质量之道", title_en="The quality behind world-class heavy equipment",
         description_zh="质量月期间走进振华重工长兴基地，看岸桥如何从钢板成为全球港口的装备。",
         description_en="In Quality Month, visit ZPMC's Changxing base: a quay crane from steel plate to port.",
         sessions=(
             ("13:30", "13:45", "开幕致辞", "Opening remarks", "基地会议中心 / Base Conference Centre",
              "质量月主题介绍。", "The theme of Quality Month.", (OFFICIAL,)),
             ("13:45", "14:30", "全球港口装备的质量承诺", "A quality promise to ports worldwide",
              "基地会议中心 / Base Conference Centre", "面向全球客户的质量标准与交付管理。",
              "Quality standards and delivery management for customers around the world.",
              (("吴海涛", "质量总监", "上海振华重工（集团）股份有限公司"),)),
             ("14:30", "15:15", "焊接质量的数字化追溯", "Digital traceability of welding quality",
              "基地会议中心 / Base Conference Centre", "每一道焊缝的参数记录与无损检测闭环。",
              "Recording every weld's parameters and closing the loop with non-destructive testing.",
              (("郑雪", "焊接工艺主任工程师", "上海振华重工（集团）股份有限公司"),)),
             ("15:30", "17:00", "参观总装码头", "Visit of the assembly quay", "总装码头 / Assembly Quay",
              "现场参观岸桥总装与整机发运。", "See quay cranes assembled and shipped whole.", ()),
         )),
    dict(day=date(2017, 11, 16), host="zhangjiang", venue="zhangjiang_expo", capacity=250, start="13:30", end="17:00",
         co_hosts=("xince", "yunheng", "kangyuan", "shijiao", "zhiheng"),
         title_zh="新兴产业的质量创新", title_en="Quality innovation in emerging industries",
         description_zh="张江园区内集成电路、软件、生物医药、新媒体与智能制造企业同台分享质量创新实践。",
         description_en="Chip, software, biotech, new-media and smart-manufacturing firms of Zhangjiang share "
                        "how they innovate in quality.",
         sessions=(
             ("13:30", "13:50", "开幕致辞与园区介绍", "Opening and the park today", "主会场 / Main Hall",
              "园区新兴产业概况。", "An overview of the park's emerging industries.",
              (OFFICIAL, ("黄磊", "副总经理", "上海张江高科技园区开发股份有限公司"))),
             ("13:50", "14:30", "芯片良率背后的质量管理", "Quality management behind chip yield", "主会场 / Main Hall",
              "从设计验证到晶圆测试的缺陷预防。", "Preventing defects from design verification to wafer test.",
              (("徐婷", "质量副总裁", "上海芯策微电子有限公司"),)),
             ("14:30", "15:10", "软件质量与生物医药合规", "Software quality and biopharma compliance",
              "主会场 / Main Hall",
              "软件测试左移与GMP数据完整性。", "Shift-left testing and GMP data integrity.",
              (("朱明", "首席技术官", "上海云衡软件科技有限公司"), ("胡静", "质量保证总监",
                                                 "上海康源生物医药有限公司"))),
             ("15:10", "15:50", "智能检测与质量传播", "Smart inspection and telling the quality story",
              "主会场 / Main Hall", "机器视觉检测，以及如何用新媒体讲好质量故事。",
              "Machine-vision inspection, and telling the quality story on new media.",
              (("高峰", "总经理", "上海智衡智能装备有限公司"), ("林晓", "内容总监", "上海视角新媒体文化传播有限公司"))),
             ("16:00", "17:00", "企业展示与交流", "Company showcase and networking", "企业展区 / Company Showcase",
              "参观五家企业的产品与质量成果展示。", "Visit the five companies' product and quality showcases.", ()),
         )),
)

# The current campaign: `day` is days after the first load; status published unless said otherwise.
EVENTS_CURRENT: tuple[dict[str, Any], ...] = (
    dict(day=7, host="cscec8", venue="cscec_tower", capacity=200, start="14:00", end="17:00",
         title_zh="智慧建造与工程质量数字化管理", title_en="Smart construction and digital quality management",
         description_zh="从BIM到智慧工地，看数据如何改变工程质量管理。",
         description_en="From BIM to the connected building site: how data changes quality management.",
         sessions=(
             ("14:00", "14:15", "开幕致辞", "Opening remarks", "三楼多功能厅 / 3F Multi-function Hall",
              "本年度系列活动首场开幕。", "Opening of this year's series.", (("何军", "局长", BUREAU_ZH),)),
             ("14:15", "15:15", "智慧工地的质量数据", "Quality data on the connected site",
              "三楼多功能厅 / 3F Multi-function Hall", "传感器、影像与验收数据如何汇入一个平台。",
              "How sensors, photos and acceptance records come together on one platform.",
              (("周晓峰", "数字化中心主任", "中国建筑第八工程局有限公司"),)),
             ("15:30", "17:00", "BIM质量管控演示", "Live demo: BIM quality control", "BIM展示中心 / BIM Showroom",
              "现场演示模型中的质量问题闭环。", "A live walk through closing quality issues in the model.",
              (("马丽", "BIM工程师", "中国建筑第八工程局有限公司"),)),
         )),
    dict(day=14, host="shentong", venue="shentong_hq", capacity=150, start="14:00", end="17:00",
         title_zh="超大城市地铁网络的运营可靠性", title_en="Operating reliability of a megacity metro network",
         description_zh="申通地铁分享全自动运行线路与预防性维护的质量实践。",
         description_en="Shentong Metro on driverless lines and predictive maintenance.",
         sessions=(
             ("14:00", "15:00", "全自动运行线路的质量保障", "Assuring quality on driverless lines",
              "一楼报告厅 / Ground-floor Auditorium", "全自动运行系统的测试、验证与运营监控。",
              "Testing, validating and monitoring fully automatic train operation.",
              (("罗斌", "技术中心副主任", "上海申通地铁集团有限公司"),)),
             ("15:00", "16:00", "预测性维护实践", "Predictive maintenance in practice",
              "一楼报告厅 / Ground-floor Auditorium", "利用设备数据在故障前安排检修。",
              "Using equipment data to schedule repairs before failures.",
              (("张丽华", "维保中心主任", "上海申通地铁集团有限公司"), ("朱明", "首席技术官",
                                                   "上海云衡软件科技有限公司"))),
             ("16:00", "17:00", "参观运营控制中心", "Visit of the operations control centre",
              "运营控制中心参观廊 / OCC Gallery",
              "现场观看全网列车调度。", "Watch network-wide train dispatching live.", ()),
         )),
    dict(day=21, host="dongpu", venue="dongpu_jiading", capacity=80, start="14:00", end="17:00",
         cancellation=("因主办企业精加工产线升级改造，现场参观无法安排，本场活动取消，将在本系列后续另行安排。",
                       "The host is refitting the finishing line the visit was built around, so this event is "
                       "cancelled; it will be rescheduled later in the series."),
         title_zh="精密零部件的零缺陷实践", title_en="Zero defects in precision parts",
         description_zh="东浦精密分享统计过程控制与防错设计在汽车零部件中的应用。",
         description_en="Dongpu Precision on statistical process control and mistake-proofing for car parts.",
         sessions=(
             ("14:00", "15:00", "统计过程控制落地车间", "Statistical process control on the shop floor",
              "培训教室 / Training Room", "关键尺寸的控制图与过程能力提升。",
              "Control charts for key dimensions and raising process capability.",
              (("梁晨", "质量经理", "上海东浦精密机械股份有限公司"),)),
             ("15:15", "17:00", "参观精加工车间", "Visit of the finishing workshop", "精加工车间 / Finishing Workshop",
              "防错装置与在线检测现场讲解。", "Mistake-proofing devices and in-line gauging, explained on site.", ()),
         )),
    dict(day=28, host="xince", venue="xince_lingang", capacity=120, start="14:00", end="17:00",
         co_hosts=("zhiheng",),
         title_zh="芯片制造中的质量文化", title_en="Quality culture in chip manufacturing",
         description_zh="走进临港芯片工厂，了解洁净室管理与车规级芯片的质量要求。",
         description_en="Visit a Lingang fab: cleanroom discipline and what automotive-grade chips demand.",
         sessions=(
             ("14:00", "15:00", "车规级芯片的零缺陷目标", "The zero-defect goal for automotive chips",
              "报告厅 / Auditorium",
              "AEC-Q100认证与失效分析的经验。", "Lessons from AEC-Q100 qualification and failure analysis.",
              (("徐婷", "质量副总裁", "上海芯策微电子有限公司"),)),
             ("15:00", "15:45", "机器视觉在晶圆检测中的应用", "Machine vision in wafer inspection",
              "报告厅 / Auditorium",
              "自动光学检测如何发现微小缺陷。", "How automated optical inspection finds tiny defects.",
              (("高峰", "总经理", "上海智衡智能装备有限公司"),)),
             ("16:00", "17:00", "洁净室参观", "Cleanroom visit", "洁净室参观走廊 / Cleanroom Gallery",
              "隔窗参观晶圆测试产线。", "See the wafer test line through the gallery windows.", ()),
         )),
    dict(day=35, host="pujiang", venue="sicc", capacity=300, start="14:00", end="17:00", status=EventStatus.DRAFT,
         title_zh="质量基础设施服务中小企业", title_en="Quality infrastructure services for small firms",
         description_zh="计量、标准、检验检测与认证如何帮助中小企业提升质量。",
         description_en="How metrology, standards, testing and certification help small and medium firms improve.",
         sessions=(
             ("14:00", "15:00", "一站式质量服务", "One-stop quality services", "七楼长江厅 / 7F Yangtze Hall",
              "从送检到认证咨询的一站式服务模式。", "One desk from lab testing to certification advice.",
              (("何军", "局长", BUREAU_ZH),)),
             ("15:15", "17:00", "企业问诊", "Quality clinic for companies", "七楼长江厅 / 7F Yangtze Hall",
              "专家现场解答企业质量问题。", "Experts answer companies' quality questions on the spot.",
              (("李敏", "技术总监", "上海浦江质量检测技术服务有限公司"),)),
         )),
)


def load_demo(*, now: datetime) -> str:
    """Create whatever demo data is missing; return what was created and what was already there."""
    tally: Counter = Counter()
    organizations = {key: _ensure_organization(fields, tally) for key, fields in ORGANIZATIONS.items()}
    venues = {key: _ensure_venue(fields, tally, now=now) for key, fields in VENUES.items()}
    past = _ensure_campaign(_campaign_details(2017, "2017-shanghai"), tally)
    past_events = [_ensure_event(past, spec, spec["day"], organizations, venues, tally, now=now)
                   for spec in EVENTS_2017]
    load_demo_attendance(past_events, organizations, tally)  # what the dashboards draw
    current = _ensure_campaign(_campaign_details(now.year, f"{now.year}-shanghai"), tally)
    today = utc_to_local(now, TIMEZONE).date()
    for spec in EVENTS_CURRENT:
        _ensure_event(current, spec, today + timedelta(days=spec["day"]), organizations, venues, tally, now=now)
    organizer = _ensure_organizer(tally)
    load_demo_companies(campaign=current, organizer=organizer, tally=tally, now=now)
    return _summary(tally)


def _campaign_details(year: int, slug: str) -> CampaignDetails:
    return CampaignDetails(
        slug=slug, year=year, organizing_body_zh=BUREAU_ZH, organizing_body_en=BUREAU_EN,
        name_zh=f"{year}年上海市质量提升系列活动", name_en=f"{year} Shanghai Quality Promotion Campaign",
        description_zh=f"{year}年，{BUREAU_ZH}邀请本市企业轮流做东，走进工地、车间与园区，分享追求卓越的质量文化。",
        description_en=f"In {year} the bureau invites Shanghai companies to host in turn, opening their sites, "
                       "workshops and parks to share how they build a culture of excellence.",
    )


def _ensure_campaign(details: CampaignDetails, tally: Counter) -> Campaign:
    found = db.session.scalar(select(Campaign).where(Campaign.slug == details.slug))
    return _record(tally, "campaigns", found) or save_campaign(Campaign(), details)


def _ensure_organization(fields: dict, tally: Counter) -> Organization:
    uscc = fields["uscc"] + uscc_check_character(fields["uscc"]) if fields.get("uscc") else None
    details = OrganizationDetails(**{**fields, "uscc": uscc})
    found = None
    if uscc:
        found = db.session.scalar(select(Organization).where(Organization.uscc == uscc))
    if found is None:
        found = db.session.scalar(select(Organization).where(Organization.name_zh == details.name_zh).limit(1))
    return _record(tally, "organizations", found) or save_organization(Organization(), details, now=utcnow())


def _ensure_venue(fields: dict, tally: Counter, *, now: datetime) -> Venue:
    found = db.session.scalar(select(Venue).where(Venue.name_zh == fields["name_zh"]).limit(1))
    return _record(tally, "venues", found) or save_venue(Venue(), VenueDetails(**fields), now=now)


def _ensure_event(campaign: Campaign, spec: dict, day: date, organizations: dict, venues: dict,
                  tally: Counter, *, now: datetime) -> Event:
    found = _record(tally, "events", db.session.scalar(select(Event).where(
        Event.campaign_id == campaign.id, Event.title_zh == spec["title_zh"]).limit(1)))
    if found is not None:
        return found
    venue = venues[spec["venue"]]
    starts_at = _local(day, spec["start"])
    event = save_event(Event(), EventDetails(
        campaign_id=campaign.id, host_id=organizations[spec["host"]].id, venue_id=venue.id,
        co_host_ids=tuple(organizations[key].id for key in spec.get("co_hosts", ())),
        title_zh=spec["title_zh"], title_en=spec["title_en"],
        description_zh=spec["description_zh"], description_en=spec["description_en"],
        starts_at=starts_at, ends_at=_local(day, spec["end"]), timezone=TIMEZONE, capacity=spec["capacity"],
        registration_closes_at=_local(day - timedelta(days=1), "18:00"),
    ), now=now)
    room_ids = {room_key(RoomDetails.of(room)): room.id for room in venue.rooms}
    for start, end, title_zh, title_en, room, abstract_zh, abstract_en, speakers in spec["sessions"]:
        save_session(EventSession(), SessionDetails(
            title_zh=title_zh, title_en=title_en, room_id=room_ids[room], abstract_zh=abstract_zh,
            abstract_en=abstract_en, starts_at=_local(day, start), ends_at=_local(day, end),
            speakers=tuple(speaker(*row) for row in speakers)), event=event, now=now)
        tally["sessions", "created"] += 1
    if spec.get("status", EventStatus.PUBLISHED) != EventStatus.DRAFT:
        publish_event(event)
    if "cancellation" in spec:
        reason_zh, reason_en = spec["cancellation"]
        cancel_event(event, reason_zh=reason_zh, reason_en=reason_en, now=now)
    return event


def _ensure_organizer(tally: Counter) -> User:
    found = find_user_by_email(ORGANIZER_EMAIL)
    return _record(tally, "organizer accounts", found) or create_organizer(ORGANIZER_EMAIL, ORGANIZER_PASSWORD,
                                                                            name="Demo Organizer")


Found = TypeVar("Found")


def _record(tally: Counter, kind: str, found: Found | None) -> Found | None:
    """Count `found` as present, or the record about to be made as created; return `found`."""
    tally[kind, "present" if found is not None else "created"] += 1
    return found


def _local(day: date, hh_mm: str) -> datetime:
    return local_to_utc(datetime.combine(day, time.fromisoformat(hh_mm)), TIMEZONE)


def _summary(tally: Counter) -> str:
    def part(state: str) -> str:
        counts = ((tally[many, state], one, many) for one, many in KINDS)
        return ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in counts if n) or "nothing"

    return (f"Demo data — created: {part('created')}; already present: {part('present')}. "
            f"Organizer login: {ORGANIZER_EMAIL} / {ORGANIZER_PASSWORD}; "
            f"company login: {LEAD_EMAIL} / {COMPANY_PASSWORD}")
