"""The demo catalogue: two brands, their stores and 24 products (loaded by mall/demo.py).

Codes are fixed so demo links stay the same on every machine. Prices are fen. A SKU is
(name, price_fen, list_price_fen or None, promo_price_fen or None, stock); `promo_days` says how
many days after the load date the limited-time price ends (None: no promotion).
"""
from dataclasses import dataclass

BRANDS = [
    ("yunling-tea", "云岭茶舍",
     "来自云南与浙江茶山的原产地好茶。每一款茶都由茶师亲自拼配、试饮，门店可免费品鉴。"),
    ("qingyan-skin", "清颜护肤",
     "温和、有效、成分透明的日常护肤。敏感肌友好，专柜导购一对一肤质咨询。"),
]

# (brand slug, name, address, phone)
STORES = [
    ("yunling-tea", "云岭茶舍·上海静安店", "上海市静安区南京西路 1266 号 1 层", "021-62880001"),
    ("yunling-tea", "云岭茶舍·杭州西湖店", "杭州市西湖区龙井路 88 号", "0571-87960002"),
    ("qingyan-skin", "清颜护肤·北京三里屯店", "北京市朝阳区三里屯路 19 号 B1", "010-64160003"),
]


@dataclass(frozen=True)
class DemoProduct:
    brand: str
    code: str
    image: int  # static/demo/product-NN.png
    title: str
    subtitle: str
    description: str
    skus: tuple
    promo_days: int | None = None
    published: bool = True


TEA = "yunling-tea"
SKIN = "qingyan-skin"

PRODUCTS = [
    DemoProduct(TEA, "H7SMB8Y", 1, "明前龙井 特级 罐装", "西湖产区 · 清明前手工采摘",
                "一芽一叶初展，豆香清幽，汤色嫩绿明亮。\n85℃ 水温、玻璃杯下投法冲泡最能体现其鲜爽。\n"
                "密封避光，冷藏保存口感更佳。",
                (("50g", 12800, 15800, 9900, 40), ("100g", 23800, 29800, 18800, 25), ("250g", 55800, 69800, 45800, 8)),
                promo_days=3),
    DemoProduct(SKIN, "XJCTMVR", 13, "氨基酸洁面泡沫", "温和不紧绷 · 敏感肌可用",
                "按压即出绵密泡沫，氨基酸表活温和清洁，洗后不紧绷。\n适合每天早晚使用。",
                (("150ml", 8900, 12900, 6900, 120), ("两支装", 15900, 25800, 12900, 60)), promo_days=2),
    DemoProduct(TEA, "SFTRTAK", 2, "青瓷品茗杯 两只装", "龙泉青瓷 · 手工拉坯",
                "釉色温润如玉，杯壁轻薄，聚香好。\n每只杯子釉色略有差异，是手工烧制的印记。",
                (("天青", 8900, None, None, 30), ("月白", 8900, None, None, 18))),
    DemoProduct(SKIN, "FN5CXPN", 14, "玻尿酸保湿面霜", "三重玻尿酸 · 24 小时水润",
                "质地轻盈好推开，吸收快不黏腻。\n干皮冬天可以厚涂当睡眠面膜。",
                (("50g", 19900, 25900, None, 45),)),
    DemoProduct(TEA, "9PWSHDF", 3, "朱泥西施壶", "宜兴原矿朱泥 · 220ml",
                "壶身圆润，出水顺畅，断水利落。\n适合冲泡乌龙、红茶，越养越亮。",
                (("220ml", 39800, 52000, None, 3),)),
    DemoProduct(SKIN, "T99GD68", 15, "清透防晒乳 SPF50+", "轻薄不泛白 · 户外通勤两用",
                "SPF50+ PA++++，防水防汗。\n质地像乳液一样轻薄，上脸不油不假白，可直接上妆。",
                (("40ml", 11900, 15900, None, 80),)),
    DemoProduct(TEA, "JSN8BKR", 4, "金骏眉 红茶礼盒", "武夷山桐木关 · 蜜香红茶",
                "条索紧细，金毫显露，汤色金黄透亮，蜜香与薯香交织。\n礼盒含手提袋，送长辈、送客户都体面。",
                (("单盒 200g", 26800, 32800, 21800, 35), ("双盒 400g", 49800, 65600, 39800, 12)), promo_days=4),
    DemoProduct(SKIN, "DHNWP6A", 16, "烟酰胺精华液", "5% 烟酰胺 · 提亮肤色",
                "改善暗沉、淡化痘印，质地清爽水润。\n建议从隔天使用开始建立耐受。",
                (("30ml", 23900, 29900, 18900, 50), ("50ml", 35900, 45900, 28900, 20)), promo_days=3),
    DemoProduct(TEA, "CJ4STX8", 5, "云南普洱 熟茶", "勐海料 · 七年陈化",
                "汤色红浓明亮，入口醇厚顺滑，带有淡淡的陈香。\n饼茶可长期存放，越陈越香。",
                (("357g 茶饼", 16800, None, None, 60), ("100g 散茶", 5800, None, None, 90))),
    DemoProduct(SKIN, "ENCCRRG", 17, "柔雾气垫粉底", "轻薄遮瑕 · 持妆 12 小时",
                "一拍服帖，柔雾哑光妆效，T 区不易脱妆。\n附赠替换芯一个。",
                (("01 象牙白", 16900, 19900, None, 22), ("02 自然色", 16900, 19900, None, 0),
                 ("03 小麦色", 16900, 19900, None, 7))),
    DemoProduct(TEA, "RTSGZRW", 6, "手作建盏 茶碗", "建阳窑 · 柴烧兔毫",
                "每一只都是窑变孤品，茶汤注入后釉面流光。\n附锦盒与收藏证书。",
                (("兔毫", 19900, None, None, 12), ("油滴", 25900, None, None, 6))),
    DemoProduct(SKIN, "X7QRTX6", 18, "玫瑰纯露喷雾", "保加利亚大马士革玫瑰",
                "随时补水，妆前妆后都可以喷。\n细腻喷雾，不会冲花妆容。",
                (("100ml", 7900, None, None, 100), ("200ml", 13900, None, None, 40))),
    DemoProduct(TEA, "XP6K8XF", 7, "武夷岩茶 大红袍", "正岩产区 · 足火焙制",
                "岩骨花香，焙火香与兰花香交融，耐泡七八道。\n适合 100℃ 沸水快出汤。",
                (("125g", 18800, 22800, None, 30), ("250g", 35800, 42800, None, 0))),
    DemoProduct(SKIN, "CZ8MQ45", 19, "温和卸妆乳", "乳化快 · 不糊眼",
                "干手干脸取适量打圈按摩，遇水乳化后冲净。\n淡妆、防晒一步卸干净。",
                (("200ml", 12900, 15900, None, 70),)),
    DemoProduct(TEA, "3TDPFG5", 8, "白瓷公道杯", "德化白瓷 · 300ml",
                "断水利落，分茶均匀。\n白瓷最能看清茶汤颜色。",
                (("300ml", 6900, None, None, 55),)),
    DemoProduct(SKIN, "W72Y6GR", 20, "修护晚安冻膜", "积雪草 · 泛醇 · 免洗",
                "睡前厚涂一层，第二天皮肤稳定透亮。\n冰凉果冻质地，熬夜肌急救。",
                (("80g", 14900, 18900, None, 4),)),
    DemoProduct(TEA, "SS6TCEC", 9, "紫砂石瓢壶", "宜兴底槽青 · 全手工",
                "石瓢经典器型，稳重大方，出汤快。\n每把壶附作者证书。",
                (("280ml", 68000, 88000, 59800, 5),), promo_days=5),
    DemoProduct(SKIN, "9D948VB", 21, "护手霜三支装", "滋润不油腻 · 随身装",
                "三种香型，办公室、包里、床头各放一支。\n秋冬干燥也能一整天滋润。",
                (("白茶", 5900, None, None, 80), ("玫瑰", 5900, None, None, 64), ("柑橘", 5900, None, None, 40))),
    DemoProduct(TEA, "DV8CFFC", 10, "中秋茶礼 四味礼盒", "龙井 · 金骏眉 · 普洱 · 白茶",
                "四款招牌茶各 50g，一次尝遍云岭茶舍。\n附手写贺卡，可备注祝福语。",
                (("四味礼盒", 39800, 45800, None, 6),)),
    DemoProduct(SKIN, "9RGNAHJ", 22, "维C焕亮精华", "15% 稳定型维 C",
                "早上使用配合防晒，提亮肤色、抗氧化。\n避光保存，开封后三个月内用完。",
                (("15ml", 18900, None, None, 35), ("30ml", 32900, None, None, 25))),
    DemoProduct(TEA, "M8YXF98", 11, "安吉白茶", "明前嫩芽 · 氨基酸含量高",
                "叶片玉白，汤色鹅黄，鲜爽回甘。\n80℃ 水温冲泡，不苦不涩。",
                (("50g", 9800, None, None, 50), ("100g", 17800, None, None, 40),
                 ("200g", 33800, None, None, 20), ("500g", 79800, None, None, 5))),
    DemoProduct(SKIN, "YFQF8W4", 23, "控油蜜粉饼", "定妆控油 · 细腻不卡粉",
                "轻扫一层，T 区一整天清爽。\n附带粉扑和镜子，补妆方便。",
                (("8g", 9900, 12900, None, 60),)),
    DemoProduct(TEA, "3S9T2XA", 12, "雪梨白茶 冬季限定", "即将上架",
                "老白茶与雪梨干拼配，润而不寒。\n冬季限定，上架后第一时间通知。",
                (("100g", 12800, None, None, 0),), published=False),
    DemoProduct(SKIN, "BBA6MQS", 24, "舒缓爽肤水", "神经酰胺 · 二次清洁后使用",
                "湿敷或拍打皆可，迅速舒缓泛红。\n大瓶装更适合全身使用。",
                (("200ml", 10900, None, None, 90), ("400ml", 18900, None, None, 30))),
]
