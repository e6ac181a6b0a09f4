"""Names the report tests share (counties, levels, categories of a made-up city)."""

COUNTIES = ["城关区", "东湖区", "西山区", "南岗区", "北塔区", "临江县", "青松县", "白水县", "红旗县", "长乐县", "安平县"]
LEVELS = ("省级", "市级", "普通")
CATEGORIES = ("进商场", "进市场", "进景区")
