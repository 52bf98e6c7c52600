"""The public record as a page a person reads: every draw, its hashes, its files and the verifier to download."""

from __future__ import annotations

from html import escape
from typing import Any

_STATES = {
    "frozen": "名单已冻结",
    "committed": "随机源已录入",
    "drawn": "已摇号，待公布",
    "published": "已公布",
    "retracted": "已撤销",
}


def page(draws: list[dict[str, Any]]) -> str:
    rows = "".join(_row(d) for d in draws) or '<tr><td colspan="5">暂无摇号</td></tr>'
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>公开摇号记录</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{border-bottom:1px solid #ccc;padding:.4em;text-align:left}}
code{{font-size:.85em;word-break:break-all}}</style></head><body>
<h1>公开摇号记录</h1>
<p>每次摇号的冻结名单、房源表、随机源和结果都可下载；任何人都可用
<a href="/public/verify_draw.py">verify_draw.py</a>（Python 3，无需安装其他软件）重算并核对：</p>
<pre>python3 verify_draw.py list.txt pools.txt sources.txt result.txt --list-hash 名单哈希 [--cancelled 已取消的登记编号]</pre>
<table><tr><th>编号</th><th>计划</th><th>状态</th><th>哈希</th><th>文件</th></tr>{rows}</table>
</body></html>
"""


def _row(d: dict[str, Any]) -> str:
    base = f"/public/draws/{int(d['draw_id'])}"
    files = ["list", "pools", "sources"] + (["result"] if d.get("result_hash") else [])
    links = " ".join(f'<a href="{base}/{name}.txt">{name}.txt</a>' for name in files)
    hashes = f"名单 <code>{escape(d['list_hash'])}</code>"
    if d.get("result_hash"):
        hashes += f"<br>结果 <code>{escape(d['result_hash'])}</code>"
    state = _STATES.get(d["state"], d["state"])
    return (
        f"<tr><td>{int(d['draw_id'])}</td><td>{escape(d['plan_name'])}（{escape(d['plan_code'])}）</td>"
        f'<td>{escape(state)}</td><td>{hashes}</td><td><a href="{base}">记录</a> {links}</td></tr>'
    )
