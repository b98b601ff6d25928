"""``python -m dealerlab.report.sections``: rewrite the report notebooks' section cells from the registry."""

from dealerlab.report.sections import sync_notebooks

if __name__ == "__main__":
    changed = sync_notebooks()
    print("已更新：" + "、".join(changed) if changed else "报告笔记本的章节已是最新。")
