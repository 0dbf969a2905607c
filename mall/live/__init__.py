"""Live rooms (直播间): the stream, the shelf and its pinned product, the room's own price, viewers and invitations.

Live sits above commission, payments, orders and referral: it hands the orders service the room's price and
id as an explicit input (mall.orders.checkout.RoomSale), and counts its orders from order events
(mall.live.subscribers), so nothing below it knows live rooms exist except as an id in a column.
"""
