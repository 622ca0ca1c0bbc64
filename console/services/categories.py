"""The category tree operators pick from: domain (R-DOMAIN) → matter type (事项类型).

A matter type also selects limits set by law (法律法规另有规定): a ticket recorded as
「劳动保障监察」 gets the limit of knowledge_seed/limit_overrides.toml. Written for this
console; keep the names in step with that file.
"""

from __future__ import annotations

from console.services.values import Domain

MATTER_TYPES: dict[Domain, tuple[str, ...]] = {
    Domain.ECONOMIC_REGULATION: (
        "价格",
        "涉企收费",
        "投资项目审批",
        "招标投标",
        "社会信用",
        "粮食和物资储备",
    ),
    Domain.MARKET_REGULATION: (
        "消费投诉",
        "食品安全",
        "药品医疗器械",
        "产品质量",
        "特种设备",
        "企业登记",
        "广告",
        "知识产权",
    ),
    Domain.SOCIAL_MANAGEMENT: (
        "劳动保障监察",
        "劳动关系",
        "户籍证件",
        "婚姻登记",
        "社会救助",
        "养老服务",
        "退役军人",
        "法律服务",
    ),
    Domain.PUBLIC_SERVICE: (
        "社会保险",
        "医疗保障",
        "住房公积金",
        "教育",
        "医疗卫生",
        "交通出行",
        "供电",
        "供水供气",
        "文化旅游",
        "政务服务",
    ),
    Domain.ECOLOGY: ("大气污染", "水污染", "噪声", "固体废物", "辐射", "环境影响评价"),
    Domain.NATURAL_RESOURCES: ("不动产登记", "征地补偿", "宅基地", "土地违法", "矿产", "林业"),
    Domain.BUSINESS_ENVIRONMENT: (
        "政务服务效率",
        "涉企执法检查",
        "拖欠企业账款",
        "融资",
        "惠企政策落实",
        "市场准入",
    ),
    Domain.WORK_SAFETY: ("危险化学品", "非煤矿山", "建筑施工安全", "消防隐患", "道路运输安全"),
    Domain.COMMUNICATIONS: ("资费争议", "网络质量", "携号转网", "骚扰电话和诈骗信息", "邮政快递"),
    Domain.OTHER: (),
}


def matter_types(domain: Domain) -> tuple[str, ...]:
    """The matter types under a domain (empty: the domain alone is recorded)."""
    return MATTER_TYPES.get(domain, ())
