"""Chinese personal names as they are given in each generation."""

from __future__ import annotations

import random
from bisect import bisect
from itertools import accumulate

# Common surnames, roughly by frequency (weights per mille, rounded).
_SURNAMES = [
    "王72",
    "李72",
    "张68",
    "刘54",
    "陈46",
    "杨32",
    "赵23",
    "黄22",
    "周18",
    "吴17",
    "徐13",
    "孙13",
    "胡11",
    "朱11",
    "高11",
    "林10",
    "何9",
    "郭9",
    "马9",
    "罗7",
    "梁7",
    "宋6",
    "郑6",
    "谢5",
    "韩5",
    "唐5",
    "冯5",
    "于5",
    "董4",
    "肖4",
    "程4",
    "曹4",
    "袁4",
    "邓4",
    "许4",
    "傅3",
    "沈3",
    "曾3",
    "彭3",
    "吕3",
    "苏3",
    "卢3",
    "蒋3",
    "蔡3",
    "贾2",
    "丁2",
    "魏2",
    "薛2",
    "叶2",
    "闫2",
    "潘2",
    "杜2",
    "戴2",
    "夏2",
    "钟2",
    "田2",
    "任2",
    "姜2",
    "范2",
    "方2",
    "石2",
    "姚2",
    "谭2",
    "廖1",
    "邹1",
    "熊1",
    "金1",
    "陆1",
    "郝1",
    "孔1",
    "白1",
    "崔1",
    "康1",
    "毛1",
    "邱1",
    "秦1",
    "江1",
    "史1",
    "顾1",
    "侯1",
    "邵1",
    "孟1",
    "龙1",
    "万1",
    "段1",
    "钱1",
    "汤1",
    "尹1",
    "黎1",
    "易1",
    "常1",
    "武1",
    "乔1",
    "贺1",
    "赖1",
    "龚1",
    "文1",
    "欧阳1",
    "司马1",
]
_SURNAME_LIST = tuple(s.rstrip("0123456789") for s in _SURNAMES)
_SURNAME_CUM = tuple(accumulate(int(s[len(n) :]) for s, n in zip(_SURNAMES, _SURNAME_LIST, strict=True)))

# Given names by the decade people were born in: (male, female).
_GIVEN: tuple[tuple[int, str, str], ...] = (
    (
        1900,
        "德明 永福 振华 玉林 福生 长青 树林 宝山 文元 广才 金贵 世昌 连生 凤岐 殿元 守仁",
        "秀英 桂兰 淑珍 玉兰 凤英 秀兰 桂英 淑英 玉珍 素芳 秀珍 桂芝 翠兰 凤兰 淑兰 玉芬",
    ),
    (
        1950,
        "建国 建华 国庆 志强 建军 卫东 爱国 援朝 向东 振国 国华 德胜 跃进 胜利 铁柱 红旗",
        "秀英 桂兰 淑珍 玉兰 凤英 秀兰 桂英 淑华 玉珍 素芳 秀云 桂芳 丽华 淑芬 玉梅 建英",
    ),
    (
        1960,
        "伟 强 军 勇 刚 建军 卫国 红兵 志刚 立新 永红 建平 国强 晓东 卫华 建民",
        "丽 敏 红 艳 芳 丽华 红梅 丽萍 秀芳 建红 玉梅 春燕 晓红 桂香 丽娟 海英",
    ),
    (
        1970,
        "磊 涛 斌 勇 军 海涛 志勇 建伟 永强 晓明 东升 文斌 立军 海波 志军 伟东",
        "静 丽 艳 娟 霞 丽娟 晓红 雪梅 海燕 红霞 晓燕 丽丽 艳红 秀丽 春梅 玉洁",
    ),
    (
        1980,
        "鹏 超 浩 杰 旭 亮 宇 鑫 俊 博 帅 凯 健 晓明 文杰 子健 海龙 志鹏",
        "婷 娜 莉 倩 雪 琳 丹 颖 慧 晶 洁 佳 莹 晓燕 婷婷 雅琪 佳慧 丽娜",
    ),
    (
        1990,
        "浩然 宇航 子豪 俊杰 浩宇 博文 天宇 一鸣 子轩 宇轩 家豪 明轩 振宇 思远 嘉伟 昊天",
        "欣怡 雨萱 梓涵 诗涵 思雨 佳怡 可欣 雨桐 子涵 梦瑶 晓雯 心怡 佳琪 雨婷 静怡 梦琪",
    ),
    (
        2005,
        "梓睿 沐宸 宇泽 子墨 一诺 奕辰 铭泽 俊熙 睿泽 浩轩 梓豪 皓轩 宇辰 煜祺 铭轩 子骞",
        "若汐 语桐 梓萱 依诺 欣妍 可馨 思彤 芷若 一诺 梓涵 语嫣 诗琪 雨涵 安然 沐晴 梓晴",
    ),
)
_GIVEN_SPLIT = tuple((start, male.split(), female.split()) for start, male, female in _GIVEN)


_GIVEN_STARTS = tuple(start for start, _, _ in _GIVEN_SPLIT)


def surname(rng: random.Random) -> str:
    return _SURNAME_LIST[bisect(_SURNAME_CUM, rng.random() * _SURNAME_CUM[-1])]


def given_name(rng: random.Random, born_year: int, male: bool) -> str:
    _, men, women = _GIVEN_SPLIT[max(0, bisect(_GIVEN_STARTS, born_year) - 1)]
    pool = men if male else women
    return pool[int(rng.random() * len(pool))]
