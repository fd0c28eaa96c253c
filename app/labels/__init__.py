"""The next-location label printed when an inspection is confirmed (issue 16.5).

`content` gathers what the label says from the stored record, `zpl` builds and sends it
to a Zebra-type printer over raw TCP, `page` draws it as a 4x6 in / 100x150 mm PDF for the
OS print queue, and `printing` picks between them from the site's settings.
"""
