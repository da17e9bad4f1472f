"""The downloadable import template: the header row with one example row (a valid ID number),
and a second sheet explaining every column and its allowed values."""

from gongzhi.core import xlsx

from . import import_columns as cols

EXAMPLE_ID = "11010519491231002X"  # GB 11643's own example: born 1949-12-31, female


def template_bytes(example_grid_code: str = "") -> bytes:
    """The template workbook as bytes; `example_grid_code` fills the example row's grid."""
    wb = xlsx.new_workbook()
    example = []
    for col in cols.COLUMNS:
        if col.field == "id_number":
            example.append(EXAMPLE_ID)
        elif col.field == "grid":
            example.append(example_grid_code)
        elif col.field == "gender":
            example.append("女")
        elif col.field == "birth_date":
            example.append("1949-12-31")
        elif col.field == "name":
            example.append("李秀英")
        else:
            example.append(col.example)
    text_cols = [i for i, col in enumerate(cols.COLUMNS) if col.header in cols.TEXT_FORMAT_HEADERS]
    xlsx.add_sheet(wb, "居民", cols.HEADERS, [example], text_columns=text_cols)
    notes = [
        [
            col.header,
            "必填" if col.required else "选填",
            col.help,
            cols.allowed_labels(col.field) if col.choices else "",
        ]
        for col in cols.COLUMNS
    ]
    notes.append(["", "", "", ""])
    notes.append(
        [
            "说明",
            "",
            "第一行为表头，列的顺序可以调整，多余的列会被忽略。按身份证号识别居民：已登记的居民会被更新，"
            "空白单元格不会清空已有数据。有问题的行不会导入，会写入“错误清单”并注明原因。",
            "",
        ]
    )
    xlsx.add_sheet(wb, "填写说明", ["列名", "是否必填", "说明", "可选值"], notes, widths=[12, 8, 60, 60])
    return xlsx.workbook_bytes(wb)
