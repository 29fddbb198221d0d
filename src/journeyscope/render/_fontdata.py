"""The report's typeface, inlined so that every picture measures and renders its text
the same way on every machine, offline.

A Latin subset of DejaVu Sans (regular and bold, WOFF, no kerning or ligatures, so the
advance widths below are exactly what a browser draws). Generated once from the DejaVu
fonts with a font subsetter; do not edit by hand.

DejaVu fonts: Copyright (c) 2003 by Bitstream, Inc. All Rights Reserved.
Bitstream Vera is a trademark of Bitstream, Inc. DejaVu changes are in public domain.

Permission is hereby granted, free of charge, to any person obtaining a copy
of the fonts accompanying this license ("Fonts") and associated
documentation files (the "Font Software"), to reproduce and distribute the
Font Software, including without limitation the rights to use, copy, merge,
publish, distribute, and/or sell copies of the Font Software, and to permit
persons to whom the Font Software is furnished to do so, subject to the
following conditions:

The above copyright and trademark notices and this permission notice shall
be included in all copies of one or more of the Font Software typefaces.

The Font Software may be modified, altered, or added to, and in particular
the designs of glyphs or characters in the Fonts may be modified and
additional glyphs or characters may be added to the Fonts, only if the fonts
are renamed to names not containing either the words "Bitstream" or the word
"Vera".

This License becomes null and void to the extent applicable to Fonts or Font
Software that has been modified and is distributed under the "Bitstream
Vera" names.

The Font Software may be sold as part of a larger software package but no
copy of one or more of the Font Software typefaces may be sold by itself.

THE FONT SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS
OR IMPLIED, INCLUDING BUT NOT LIMITED TO ANY WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT OF COPYRIGHT, PATENT,
TRADEMARK, OR OTHER RIGHT. IN NO EVENT SHALL BITSTREAM OR THE GNOME
FOUNDATION BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, INCLUDING
ANY GENERAL, SPECIAL, INDIRECT, INCIDENTAL, OR CONSEQUENTIAL DAMAGES,
WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF
THE USE OR INABILITY TO USE THE FONT SOFTWARE OR FROM OTHER DEALINGS IN THE
FONT SOFTWARE.

Except as contained in this notice, the names of Gnome, the Gnome
Foundation, and Bitstream Inc., shall not be used in advertising or
otherwise to promote the sale, use or other dealings in this Font Software
without prior written authorization from the Gnome Foundation or Bitstream
Inc., respectively. For further information, contact: fonts at gnome dot
org.
"""

from typing import Final

#: Advance widths of the regular face, in units of 1/2048 em, by code point.
REGULAR_WIDTHS: Final[dict[int, int]] = {
    32: 651,
    33: 821,
    34: 942,
    35: 1716,
    36: 1303,
    37: 1946,
    38: 1597,
    39: 563,
    40: 799,
    41: 799,
    42: 1024,
    43: 1716,
    44: 651,
    45: 739,
    46: 651,
    47: 690,
    48: 1303,
    49: 1303,
    50: 1303,
    51: 1303,
    52: 1303,
    53: 1303,
    54: 1303,
    55: 1303,
    56: 1303,
    57: 1303,
    58: 690,
    59: 690,
    60: 1716,
    61: 1716,
    62: 1716,
    63: 1087,
    64: 2048,
    65: 1401,
    66: 1405,
    67: 1430,
    68: 1577,
    69: 1294,
    70: 1178,
    71: 1587,
    72: 1540,
    73: 604,
    74: 604,
    75: 1343,
    76: 1141,
    77: 1767,
    78: 1532,
    79: 1612,
    80: 1235,
    81: 1612,
    82: 1423,
    83: 1300,
    84: 1251,
    85: 1499,
    86: 1401,
    87: 2025,
    88: 1403,
    89: 1251,
    90: 1403,
    91: 799,
    92: 690,
    93: 799,
    94: 1716,
    95: 1024,
    96: 1024,
    97: 1255,
    98: 1300,
    99: 1126,
    100: 1300,
    101: 1260,
    102: 721,
    103: 1300,
    104: 1298,
    105: 569,
    106: 569,
    107: 1186,
    108: 569,
    109: 1995,
    110: 1298,
    111: 1253,
    112: 1300,
    113: 1300,
    114: 842,
    115: 1067,
    116: 803,
    117: 1298,
    118: 1212,
    119: 1675,
    120: 1212,
    121: 1212,
    122: 1075,
    123: 1303,
    124: 690,
    125: 1303,
    126: 1716,
    160: 651,
    161: 821,
    162: 1303,
    163: 1303,
    164: 1303,
    165: 1303,
    166: 690,
    167: 1024,
    168: 1024,
    169: 2048,
    170: 965,
    171: 1253,
    172: 1716,
    173: 739,
    174: 2048,
    175: 1024,
    176: 1024,
    177: 1716,
    178: 821,
    179: 821,
    180: 1024,
    181: 1303,
    182: 1303,
    183: 651,
    184: 1024,
    185: 821,
    186: 965,
    187: 1253,
    188: 1985,
    189: 1985,
    190: 1985,
    191: 1087,
    192: 1401,
    193: 1401,
    194: 1401,
    195: 1401,
    196: 1401,
    197: 1401,
    198: 1995,
    199: 1430,
    200: 1294,
    201: 1294,
    202: 1294,
    203: 1294,
    204: 604,
    205: 604,
    206: 604,
    207: 604,
    208: 1587,
    209: 1532,
    210: 1612,
    211: 1612,
    212: 1612,
    213: 1612,
    214: 1612,
    215: 1716,
    216: 1612,
    217: 1499,
    218: 1499,
    219: 1499,
    220: 1499,
    221: 1251,
    222: 1239,
    223: 1290,
    224: 1255,
    225: 1255,
    226: 1255,
    227: 1255,
    228: 1255,
    229: 1255,
    230: 2011,
    231: 1126,
    232: 1260,
    233: 1260,
    234: 1260,
    235: 1260,
    236: 569,
    237: 569,
    238: 569,
    239: 569,
    240: 1253,
    241: 1298,
    242: 1253,
    243: 1253,
    244: 1253,
    245: 1253,
    246: 1253,
    247: 1716,
    248: 1253,
    249: 1298,
    250: 1298,
    251: 1298,
    252: 1298,
    253: 1212,
    254: 1300,
    255: 1212,
    256: 1401,
    257: 1255,
    258: 1401,
    259: 1255,
    260: 1401,
    261: 1255,
    262: 1430,
    263: 1126,
    264: 1430,
    265: 1126,
    266: 1430,
    267: 1126,
    268: 1430,
    269: 1126,
    270: 1577,
    271: 1300,
    272: 1587,
    273: 1300,
    274: 1294,
    275: 1260,
    276: 1294,
    277: 1260,
    278: 1294,
    279: 1260,
    280: 1294,
    281: 1260,
    282: 1294,
    283: 1260,
    284: 1587,
    285: 1300,
    286: 1587,
    287: 1300,
    288: 1587,
    289: 1300,
    290: 1587,
    291: 1300,
    292: 1540,
    293: 1298,
    294: 1876,
    295: 1423,
    296: 604,
    297: 569,
    298: 604,
    299: 569,
    300: 604,
    301: 569,
    302: 604,
    303: 569,
    304: 604,
    305: 569,
    306: 1208,
    307: 1138,
    308: 604,
    309: 569,
    310: 1343,
    311: 1186,
    312: 1186,
    313: 1141,
    314: 569,
    315: 1141,
    316: 569,
    317: 1141,
    318: 768,
    319: 1141,
    320: 700,
    321: 1151,
    322: 582,
    323: 1532,
    324: 1298,
    325: 1532,
    326: 1298,
    327: 1532,
    328: 1298,
    329: 1666,
    330: 1532,
    331: 1298,
    332: 1612,
    333: 1253,
    334: 1612,
    335: 1253,
    336: 1612,
    337: 1253,
    338: 2191,
    339: 2095,
    340: 1423,
    341: 842,
    342: 1423,
    343: 842,
    344: 1423,
    345: 842,
    346: 1300,
    347: 1067,
    348: 1300,
    349: 1067,
    350: 1300,
    351: 1067,
    352: 1300,
    353: 1067,
    354: 1251,
    355: 803,
    356: 1251,
    357: 803,
    358: 1251,
    359: 803,
    360: 1499,
    361: 1298,
    362: 1499,
    363: 1298,
    364: 1499,
    365: 1298,
    366: 1499,
    367: 1298,
    368: 1499,
    369: 1298,
    370: 1499,
    371: 1298,
    372: 2025,
    373: 1675,
    374: 1251,
    375: 1212,
    376: 1251,
    377: 1403,
    378: 1075,
    379: 1403,
    380: 1075,
    381: 1403,
    382: 1075,
    383: 721,
    8208: 739,
    8209: 739,
    8210: 1303,
    8211: 1024,
    8212: 2048,
    8213: 2048,
    8214: 1024,
    8215: 1024,
    8216: 651,
    8217: 651,
    8218: 651,
    8219: 651,
    8220: 1061,
    8221: 1061,
    8222: 1061,
    8223: 1061,
    8224: 1024,
    8225: 1024,
    8226: 1208,
    8227: 1208,
    8228: 685,
    8229: 1367,
    8230: 2048,
    8231: 651,
    8240: 2748,
    8241: 3554,
    8242: 465,
    8243: 765,
    8244: 1065,
    8245: 465,
    8246: 765,
    8247: 1065,
    8248: 694,
    8249: 819,
    8250: 819,
    8364: 1303,
    8592: 1716,
    8593: 1716,
    8594: 1716,
    8595: 1716,
    8596: 1716,
    8597: 1716,
    8722: 1716,
    8776: 1716,
    8800: 1716,
    8804: 1716,
    8805: 1716,
    9650: 1575,
    9660: 1575,
    9670: 1575,
    9679: 1787,
    9733: 1836,
    10003: 1716,
    10007: 1716,
}
#: The regular face as a base64 WOFF file.
REGULAR_WOFF: Final[str] = (
    "d09GRgABAAAAAD6gAA8AAAAAY4AAAl64AAAAAAAAAAAAAAAAAAAAAAAAAABHREVGAAA8kAAAACIAAAAiAvMEKkdQT1"
    "MAADy0AAAAIAAAACBEdkx1R1NVQgAAPNQAAAB6AAAAliekP8NNQVRIAAA9UAAAAU0AAAMErJ8biE9TLzIAADq4AAAA"
    "UgAAAFZK9BYiY21hcAAAOwwAAACAAAAAtAbRKjdnYXNwAAA8hAAAAAwAAAAMAAcAB2dseWYAAAFYAAAyagAAUUzdia"
    "5eaGVhZAAANzAAAAA2AAAANiXE4otoaGVhAAA6lAAAACEAAAAkDZ8JCWhtdHgAADdoAAADKQAABoKyO8wVbG9jYQAA"
    "M+QAAANMAAADTHuZkJxtYXhwAAAzxAAAAB0AAAAgAeUDwW5hbWUAADuMAAAA4wAAAdQn7T2+cG9zdAAAPHAAAAATAA"
    "AAIP/bAFp4nJV8CUBTRxPw23ck4slp6gkYIR71jCEiAt5FRUSrgKiIioAHoiKKovWgipQiKnghAiJaSpGPovUDpFql"
    "FhVtaym1FK1XrUetUqsWIW/5Z/e9hKD2+/9fDCTz5s3OzM7OzuzMC8MiHcOwjFDNcIwFwzhp7dRWWitOzSFdZWWlbb"
    "YdxkK1uBwfQAsA7TyXxz6kuEqGQVZqK0d4ocg8tmceYFWzfckL8DIYRqESTgOePeA5co5tkKONlnO0c6QvtQ196Rzp"
    "i1fhG9OQ05hw1HNhVhgaig9NRR74QHhWGK4NOxSOz6Pgafg0WhjKbcFFXDyeizLx3DRctB/PQxnktR/5pKFMBkbLw1"
    "V8hMKWcWR6MQNgZDXXH2l03ZHKqj/SDXHR67R28MEOgFbdkZ2tQslZtYe/HVVWHnDdmT0Rghb+sCj0auSNi79cDpld"
    "8P77/5l196e7P4WsXLv89oZNsbgK9WP79TsxYiRCF3rm7zlc1v6PB7x9l//06c/j6eoT6Z+Wd+AYlNZuUYBfcDWebL"
    "U0MCCcEZjlTXeVvYU6pg2jYtSMhtECbz0UMLB2sAuMqxncEZhR93AGHs3hTlqktjG7Jlz1nz/ff/r8+dMzSk8dzCo9"
    "ZdjrN3+ev//8EG5QliEwyz6j7FRmZkkpuzP1w827d2+O273h+qlTtbWnymrZubs3f5ia+uGmPRte/a1oV3vqy19qy0"
    "qvw1xtarorYODNghkIXFF1wOh6C+SB9FoFq0RqTXuk7sEQ/VEtagd3JCpUU0bRs5nTf8yac3Q8jkUGt1GK0rbhs5HK"
    "kBz+W9xf+NutWwcO/rX4/SPT/TPGLIxz49RTDgXsOuc5gk0W62dUrvgQ4w/w3ZQZ/sjm2sbb8z3XD88+37PnyQGDIg"
    "O0YcAMsTcUSe2NWhtYmmRm5FohfsbGKqyZdvBBwdrZWqvUzqxuiLWejd26OW5L1p7dqXsV1r9jj/v3sdu9P9A3t26i"
    "rx+TO3PgzkjpThttR2s7W1apdrHWDWFz4Kbde7K2xMUprB/j4Tdv4WF/3EPn799H58h97uwErhw0ZQUf2iGlE3AkaP"
    "ohvQArxokrx/tR2DBcuAIXDkNheP8w5LsC+fI3z5XPq8TxaE3lvPJz8yvRGhxfCbRqGEaoFXiwCJAM1gRZSzpHK66A"
    "7SdW5YpVbD+BF6vyyJs8th8ZPaPJGpUzGKyJ0WvtYP3UVeVsmorz8VdoBLkegm6yG9g4oisbIBjCdhHvsXE5cKUWLh"
    "fAnRy9U11bVYUxuYNpGsUWydoFS2Nb5Yn1oOBXEWAV8U13+WTZYsFWWStLa+1gaytLVjOYsbJkwB7gN5uYfvAg/D94"
    "sBFZ4H8aG/E/yELwxVfwZXhdAaJaNARps3AU3orjcRRKQmvQWpQEY99mGD4Qxm4NPDlaCTonLdECRhNAiwsuoQmGnD"
    "w+yqvYq6E6D7D3APYE4KYreChA07kwerpgwQaVOg+kHcyTxaxgUAJ71uAN42jnTvpk65yqmLU/BjxAtmNndsLP8/Ly"
    "VqOdwyL2jl+9Z9Toy4MGPzg368iybvgPoJ8O0kYB/V4gK3EMvGMPZ+I3pGXYF+mkNy2G4zx3Hsbf4wdBFYumXYg4XV"
    "FypODk7ozD+94/vSLq4ozfUdvtnJP91ztuPHNyKh80eE/yh7uPrl4WFdvT+YSDw9WidZ8RtxsCcuWAFlhiixbgKLVW"
    "xAETW+AUmEVYh6urL4pBgpPhLnfFoM3FWSi4XLKGu3wI3NlNmm0rwhVjB57PnHHC7w2uk5j1bsC7Dagn/hE/DSoPD/"
    "xq8bFLl45NOTRNqM7Duzp0wE8e/YVfODhUDhp4Mj39ZE9n4CcZ6O+h89+zpa9CdOmznHFAtQOxBMfBHdmcbZmZ2+CF"
    "LLwPeF+o6uBWtPg2EnDdHSziJ8gXdfE+wLmVZh86depQdim7prinM36Gn/rPxk//+B0/orYxDx3pTqTLBb2Eg3QKKh"
    "1SI8dc7ivxThXColao9mvYJPQFq00EHhMpj2rq7c09J/FUPbXUdyrpjKp79ATfZWNEANWwiTuOHNmx4+gRfGTzTqbp"
    "15t456Zdh/E///yD/8nx2hm3OSVlc9xO9nxafHzaga3xaX4ORRuPf//98Y1FDj2+Sa558KAm+Rs0d+XmzSvhxUielI"
    "8Hft4hOtPTWbC2kX0no5X01MMZGccHZm97p08ETQ0rWnILNyLLO4hDVvhzfM87HXnI2rQHPYG3sfabhTr88TvqSNdS"
    "Jp7Znd1r1CUZuw7kL+fV0s6sp7u4nbquqoqsdV6NyZ5M/AfFsCB+j2JQL1JF/AjgiDUmX1LDBAm1/FGifwvWDumQUN"
    "tYz7dqwALL1eGdOOUkunoUXQWqNShYqOWypXGJJZKfGoElqA2Yy86ty2tJz0aHCEGKwiu4upN4wFE84CSKIFKkwCZe"
    "CBrkiAZJLGKjhknzRC0XO5nUDrBTKWGzQvGVlefPDA0MdNXGLZl8fG7Q2bDim16BAQM0rRQKjNHOtAWb/WboggbNWD"
    "pudJnr0HOZ3gl+fgN0neyGDyEjxuN05XIhG2zIGwQ3sw5EJs5Z3u50WilA0Dj3JFxI201HnuyTKgUxLY209biAyfEq"
    "sDdLBuTbvi42acfaNcms4/ADYfnXfv4sLN0tedcRzxHhuLow9k7wwc+jIhYi24ObXoUHrsc1+0pw8caNW7d9sAlN/f"
    "JHtDh24mR8Dj9gOyUfztn+8ZEc7DVp/KsLFxomeseJDh1vfr64zDcuceSIUPzF2Uz8aFF4hP+UyLlhcevXo/FfnkQT"
    "1m+IL8ia93ssfoW/V4CklrDjhFNf05r6GuLyOYjD2DL8hHXCsfdY1x+2iXO2VQvtxU5cQUNftAFvgpm4CGvxMdzXCv"
    "Y9B7pbSSoyvXFyNF9mjigFjTl88OBhXIb6pu7cmYrbsPz9ho3rdh/BdY3iA/aieCM+8eMtbCj2iFyxfNnRrz5PyLZ1"
    "qNx34RdieVEQjWjAAjrBB+JpZO/iordrb/rQUdCE3t/cxOA6ZImYzfdDF/35IT6G16Kt6P2tfwrzqucE4Qr8M67BFU"
    "Fzqry8UCYKQ+Eo8z2QHaQRCmVpQBZ5VTo50r+9EUp5DsZpj2/jSjwK7itCe3A49sVzhQGNq9E7qD96F6mO4r14I0Qu"
    "e4Bfop1EoNdG9sPy6yJXKHZmK0RXtt7gQdzsuDzxbp6MrwZ8CzN89UUuUFzG+oqFlwiqV56olzVBvBt4eCcaG4ChyQ"
    "rgVeaq4cvxSdY6Gv+ehbNxNEpEQbuQMnKZIRE/wX8iG2S9OLca7Twqbnh/OtqPItBStN9r3LU5wfhbfBX/gL91YiS+"
    "BDdZDtiKIaKhwf3FS+yvly6JPYAxMZ0NaehLZJLxUYoUOwA+4AFGA4nLmvbgUHpFomSpkHfPi5eu3J3kuXUpoKXgZ8"
    "/z9pyTR10kRQGAixyJWdJBMxAvduE645eilgydwK4WvQx32e/EQbIOyV2CxCto+xJ7zTAHKEOwIF1X2MP1tkTHQJJE"
    "jmpCF/VD69EG1O883lCJN3wtVBtacfUNfQV7A8MzDbeNetAa5wfsw4oyhCzZPV/jOnER3NNoz99u6MvfbrQn/oPMUk"
    "1znESmREsjJI00PfQ3p7mORcRdv44QbrqOhqEYvA1/g8+TsFDwxsX4Hv4dFyMv1Bl1QV45eCbOIC4e5cCGCFsiI9kt"
    "n0Tt1obarWnpQSjC9wUeUQpOSktLwkPRhUYyTCO+JAwQv9sVv3XX0bu1N+6IuYRbXC9z260ltzZSlN/MM9uCZ0/U+v"
    "kNR7WlxDJyIyJcfZPzhu/wjacsi46guYRvKocBb5f5FyDeAO670hhLZUNys740h3Qg7sMkE5c0MtbjSs2ZCYkx1y+h"
    "C4gxxIkJeNfu3bvYso47PsDhaMOeeWKCUP3Tz0ml7GTxSXxc3BaYORKxZoNsGtlz0A3W/i3h3ABkDA54r6jLc44cX3"
    "107Z1r+Aa+v+jpxtjHK46VxafF3rmEVC8W/iLknNe7bFw1f4F9p741J2tuDRzw/dhx2z5Yus7+nX5fffbNb87E4htg"
    "bkhWDDsgJ4fyCv6p+KRSfALruaFaoPlKEVhKb8CyolYr7TRgX5K+iyoLys8VVOKboM57+CZYZjRszHVcomEWvo5/Qn"
    "0QCcNMPhz2UfDfFuDC2QniN1WoBv3yg1gBtqniH9JVyIxhGOVReQ0QRIKrtkDqMZdh7lzvkl9XcAKGCT0HCX6jNf+E"
    "vGAtWDbU0VzH3B/Q+8ndaFMNikLRNdgBdn48C8/4hbWTE3+toZ6NFbdwxLCaDKCR+9RaGY4ODTrha1AGOlAj1lXCHW"
    "lsqOEZeMcKMtYsGMve5BMRCfCRYxS/2+DLVTS6c4WGMKE6rTEyL43fKed9AZDjS/EGiWIcC1FuXR0GYPIrQ/JrmQ1Y"
    "NsqjqQ3JbBQpcLWC5n+20hmGI+ztah0biQOePlXY1v+arOCTScTC5UJ+RjUti86VsfYXsRf2usgCs2IVSsTRNDNreo"
    "y78bY4n+ZRwDtv2/gzzk8mVPL4OjZBEUquEBIoEnXej0sVofgjtIqsiliw2X58LPg/J7P41R3pgSVT/OHYIvZhT9/M"
    "3xS5v6S42LNsW36l2IjYT/YGn5y24HTg33WsNjR2XlTNid7e4qa80Llns7/8ynpDYv/+eRqNgYxXCuPlgORt6Co0Rq"
    "EwJKLhPCx7GFNDlMrd+2TXrk/IS9w+7PPYy0xT0+XYz4eVlLADKu/fr4QXOzVkLi7D9fBTNjckF6gics7B3Qd5Opmv"
    "Qa28e/eQd2/uvs9B3+PffHPc96DPpCOzRTDvfkgxPZvX5ffte/fKlbt9++b17AkctUfWaJia8A10+UAYwZLyTTYnqh"
    "6W+q+O5mEbl11cPOzzdZVNTFPlus/FCpAgNxek4E6yQa8e54bMRWNQK/gZMxfbyYLI9DcA37ZMFzqH1FU0hxygGiWV"
    "RslvMBS1vfLfRRXz5n+/GD/HFai34Q5SFrNHtqWVtGeDAk9XDBlS0OddNBS1hq13NL7x9d4TBRnEJiFDYetBBuK/7Y"
    "BWNyT5CrVOS2aZrS+cPwkNwFdLCgsLvlTY7vcNn59sGMBdTfY5RXPF5diPDwQe29As1WzuVJZss39zR7JirKW4lcs+"
    "sjv1yJHU3UeKMW6Ymz9lSsbUL064Fq371mD4dl2RazHrfuH69QsV16//ge/gh926H3+3z5dnZs6fBx6CQzwaNm8+3V"
    "MhyeBDZO6BaWl4K3JWSK2SDylet253fknJqOPRZ79hc8RZbEZmxukcMV5hK2YsCHlKJDgL964BGlKuQCIMiPDPFsM/"
    "PrgxS2H7kGGbarEfxWnDdJD8pDF+kHAPfzFu0EJvesPHP32VPne/otdDmbt0uEuOI4i3Ai5LS1inP8QCdnGdWFGisD"
    "UsRHfF52I+qxZvwD3N3FBegA+F7avHsqzKbqDpHvBByjfMJW4W3U4SvffYrzb/53TJiujkoyUrVicdLSnxLFyz9jMu"
    "Yd2qF3eIIg6lE0WwGdkHzhwW4/nggrB560w6hXHe0Knd/0WnQIKoVLLbaGoTqtdPFM1OaaJS8z/bnZKfn1KHrPGTur"
    "/wU2TF3bx/8eL9BxcqHqbjC/gx/hNM2RUs1hYNJX4CbC0H6NL15mRiSXYQLRxHVElJs39ghxq9Rq5YoGidZ+Yh0B/G"
    "5dbClru+JeuSlzXJutRogHEFs1HN63pYcbHJD4kFZos6JO/VS0mz3ASgT2J8yQ01q1XFTbAf/276J8B36Rab/l25E9"
    "ZWlafFIlBq6HxBgLsjwYtVwN1viSTIQezrkQTJELlEn9zAhIR5qZ5fH/nn58DyJaHfzN388YLPRny279a3oSd4z4Je"
    "vaZNGzHesX2f/QnpJ9Xq0zrdjCkTfZ069Ny9OSO/O4yqB8U8EzIkayCuwbajG3EUzjriIqzQahSLt0yM+vLL6uz4eC"
    "EDn0sWsxJ80jJ/YIOTkQfRagFYQwC1J1uwaSuzIEPeTVABsahjxcWjP48+ewF9h0rZo+LczMzTOWxsY1Z+6Pw6Llfa"
    "+8EbBtNsXQoc3MtREAoqx7Ma+GDDNC6/MYvYrx/E2TrAozFGF0T+I3UbpPYr/v1eze/3inFtzV/PauCOPdwi8mrM4v"
    "YYFpE73WCENXBnG3K+oKYbLAzEh+DFKK8Gl+LSGnQcr6hBvVFvPli8KZ5FxdiLncB2xMsR2VfdwX4Ih+AjhPZI8hCe"
    "iEY5bIpP6rqUJd7TtI7YTWI7/MLaNK+t03gfQyq3BO4OAOuohbtbxBvLuUWiN3vCsJ49IS7gg3MNtSm5nBODEIOLeB"
    "X4CQjABDId7sh4IgjvXNxkX07z327ElHmVx6tPl2x3d09e/OkrjzFJfjOXRgb6JZ3ekXrj6d6VyVG7626kJAck1R/c"
    "3qnL9vT6pAAYg8fdUIGim+mcuyBP0a2eRE+vjS8Pqu+PTFx0JIM2c9EXbhj38fTAyMjA6R+P83z1yZLtHh7bl3zyyv"
    "O0X3J9+vYunbYfrN/un5xyo253VPLKvU9vpJJoB1UJtdwgmhXQrVrjTH5MUYeqI/mB0YXahcfnLt3VRlB2OBAUkD+P"
    "fEppLbRqfyDI71NuUNHkMW48ywkek94vmjx2OH3rzbBIhxNZBjROz54QMWe1lY3WhmUqKyvtsm25eRgyy2S0AB8gdp"
    "yPKyBH3gf250i8Dy1JkIWo4TwQ2ZSVcLcz8Wx6K61Nd8QeTcnJYS0nbBuDxiV4jUyYFPoXOYf+KxSNT4jjAqzvFJfc"
    "4Q7l9+7DGbKEPpq87mol/g052IK1IsQiiB8g3+cdiV1uArucBzlEF9PKl3ZpYiJaulNbktXO+3hvc09dieLxGrafwf"
    "5xRcVPD9z3CidO9u594MdryXhAXh66mvwECX/THDGImcqX8UXyKaVepZRqTyolLaw4a5QaqbCi1+hV1EXZmDlYLva7"
    "Fd869XTudXXFd24r3YfFuH+3/DsnJ2fn76K+068cMTx61oEVyzIOLl+ezt2+GvWt22oPzyhXQOnl7OT0XdS3HquGjV"
    "g59Nuo7zROPfG6ZWlpy1akHwRJp4Kk5RDfvkPqc1LxQaeBX1KmAPIq7Rz5JDz/Ig5GWdPwCdQKl59GsWjNGXwO3n8x"
    "DWWiCuyKKmK1B2IhCRnDloknYw9oQV6w5mxUAPNnqhLaSDYNWtkntmZf8gz5TTQzq8mdy6b5qIex9qSiB202Rr8Ldi"
    "dp6w3vKztfU00KxXp6JDZ4eiRffj956Nwl33ZuXxU3a7aH6+Vj49MC/FOHhS6/0emnjbNnurldODp+P5fbP7C/95b4"
    "fjP7T9zGpuRoNL7vBUZ1aLU6bUHgx7ohESO253brBtBp3qGx7WP2h85MHvTusrGbM7sB19eEcVxvhaUsH8Ql5KSSDa"
    "qsxGsqKxWWly5dAgeDwIYU94QrsDMPYMYD3mBeJdWaWh4YqmCNSYJLQad0ztgfqd6Mn+XTSJ7Zh5QREUuWRETgV/v2"
    "4VfSe6TcF3cnKCg4OCjoTtyHd4Nmzw6aFXT3k1GbR+3+5LMDI9aOGp0w7ufGxp/HbxOuLIVbG9L24caIiKXwHgn70p"
    "AC3ocFBQXd27zpblDQnDlBs+/Ebbk7OyjoxSZHh/8czCyw77GhW9fn31991hUkj0LVnBs9qe3O9JbOspBZ0uLW8sBW"
    "aE5tEtlC0Zct2P3ujtkb950pOxkd7bFtzPidY/97HD8+9MG8qeGbWd9YthiPWOY5Jn55/Ef8zJk9emzo2rWwbvTkEZ"
    "N2rOjG0PpyEu/Eq8FDkOqfnQU5UraR/vBOpEiL+6qlP7z6DITpz8+g7Kko2/SWnnEje/B5QfQUia6AGoHNbTzKBcFu"
    "s/t/1NP4FjM7lJ4b/8scav5lzm3UVuaFX7Bte6TWyMchPPOWafzwX6Z8fWzsUv+A0MKChcHvjO6fkL/JbbzLqANC6N"
    "vmMezfZh3Pw489Jnp7hq1e47fMqtWk8TevBmtxOjcGtFAtzOP6Ci+NWqhm/cQ84WUqzEE5F82507Xb+Y1qtsq4WsEU"
    "WMZ36VJf36WRk0es6tu/f8nW+BPFQmSk7+SIiMmTl20a1L/filEf/vdE/FZax2iui3ZoWRklPsmsOipW0RoDj9fn4f"
    "UoLg/FNR4l56tBbDp7gtZgGLqxu+iZ10oHSIHaolwxr4cnCgifPmSt16QtrjsL8BdDufYrltoPRYOCRk1Rq2O7dv1w"
    "SSL+bSDQnMcmsVfMqoMtg8A3q4NkTtm2sxac/tx1/bghq0dHxEQu8QsKmhsyp1folPEb9Ts+DeSDrSOmrttqZ7umS+"
    "fJ4yZ4L/EcPszdWhVlZb1q/thg2PWj+CfcVOnkgNZmEytw6X5FKN4G/BRA9HMPdlOH16I8c1chby1WBcUfxafuLlY7"
    "WTh07T1ePXZqh8E754Um98F+itai187U3Fw2yZA93LVN21RVRx/fyZN9fMRrtL7oxrvC/tBO3h/IDz02Y9egr5JOb7"
    "/2B+KF6lehCvtXtzkfqxvFpx+QSjPrhQq4cVJORSvN3DgM0qhxNAv5FoltHd/UoIadpneJWdXfv2+PCQPchvft57Fw"
    "4IyZbdvGWXUY2L+7vztZrQkwr+eFm3KGp9TpSaXUMf3yzd8TrojXuNbs/N4rNWLfpaQLJBh8Uwj1TR3ITk59k1kXhc"
    "rMVqk3QgHHv/32OCntLfxgQ/jC9evAA/Fdbpw5U3v99JkbUYe2bcnK2pKQRTPYJN7L6HdsiLuxQE7Sn7OoGvcFj1OF"
    "iozveDUOmoqDzoC9tT3T/LapiUlouqvcINRZOjNrGMZSg5bziWKIpRIt43QMI1/3bL7OrHjt+jzT/VFv3k+qt3gpl0"
    "8tpCfdoaR62et7CamrEV9lA4ENen5aHxg4TBsX4XMiOOirsOJb42cEDHRupVR8fekS+136gs3+AW+tormg9hg4oieT"
    "ysXWziRrBk4y+TIU/Rb4wRbwCBM8qwU8yATPaAH3McHTCRxmWKYD/qI9iRbNU1MOOZryM+JlpXIXN22G5wj/AE/PGf"
    "twHeuIA9w9MqNWHPIcztpK5S9FoOcM/5GeAQH4b7ET59M7anxU1qEV41b1bkikFTGWxOVKL1gbHaSzHFPRxwrIIxUs"
    "F6VO7CIXf9zFuqwr7PJEfBJVmupAhI5QnWGo4yzJbEbhaFLzAtl6EtmYGNSPzjKtLVHdOcs6zaC6eB1+sAU8wgTPag"
    "H3McHTZThkYaiU0ukj0ecGUHg2mJC9GfygBG/CAA+m9CV4lowPeSIbQOlL8HQCl+qMQik9g+5EVqFcYiNhtA1Vl1x8"
    "q0JZ6HO0By/Evjj44sVK5IsL/zZW4YRqY7GNLduB7uJuO8RHxjqcrCNBS+1lgGwvmPJE6zJUhoGSbILmrfCDLeARJn"
    "hWC3iQCZ7RAu5jgqcTOHi6ToynkM6flzJbpQXSWCC9BRLSsR5dXI11WLcKXcBDV6FKVMl7w2f9GlSJdWvQRVS5ButQ"
    "JfFfoU2lwj2FCnIlG6YvOTnuTs9eaEhBjnQgzlBCKEEPU1WQTkCIQTsLIJHgT4paj0NzriOkWeMOf7Go0Wz1mUxqNp"
    "tv+GeH5vn4ktLTxhszs8P4AEPRiNGkdrOsuHjEaFLMWVY2JiMUtcoi1ZtJE8/M+CYMv6SlqIkTzwSA1LSGQbXnIlvk"
    "E6qN1+EHW8AjTPCsFnAfEzxdgkt1A0pnmEwnilqSsfrVlrGj/l9rKnvZGMtGFy9hY93rEk5K278dLKf+9vXrd3ABrx"
    "Gv7tq6dSc9c2u6y+dDNg3WYiPV9qlf/B+nO3rjAVLp01++r+X25g4b6Xo0+HbViG3jfT8euTLGbcGsYP9P9raKW755"
    "2yl++YXaB7daRQUPmNLHadH2kPz/dnonp3u3OTM9p3no3eJnbsjvFrYsMa4xhdguPf1XhIK0o0BaBTNy6tugK98GRa"
    "PMoHoT9D0zqKWJQngzVKkw4Y6dSmwNoMpIPhbWsJbmYNIxt9TdA7lv80G4MaR4syLBNQf3ipPoSML+kvZjJvz44R3U"
    "ylDU9vJ/wy+EhHy/6JP6SeN/Tv7yB/N6xfbqp1Itg00lh+RoYGAQvtEQeOaCTlfQ5901q2NiTuU2FzCC8TtycYNIsx"
    "xHk0oDSDNG8plMMvWZ9CSf6mkchY9kEt8KX/l2OBrVAm5pwg+X4E2kYHVUEQp78sgmSEWsFcxfFH8H+MBICl9pDm/6"
    "FeCzKP2/JPrkKsCfA3wcpf+XRJ/AjSe6YJ/tabRplgKSpJjkEvRQdwg9H9UIGieNVuWkErhxgwN6f1JSsGtngYvFBy"
    "vwb7/fx/eQ7Q3rIX0y8VlH1OmL3zagSY64hkuxsvy5vOzXX8vWliHnZHzrWBO+iPRMUwPSC8KJxfNnXd4ZOXcekUg6"
    "8Se2NZly/h6zz6SZaCqRr2S1UW+DrnwbFI0yg+pN0PfMoJYmCuFRxD5rmD1CLR9Jc+02UrZNKgEktmdvvoR/YgPtJI"
    "p8ia1fsCPzyD1eTdk8xAct/aeLTvafRJ8qJSxt6ZBZOo4hZ+XEf3IJuFPvsJEp+baz+oR57P3Uxna9iwuy+mt25ujE"
    "Obt0LvhJXfAhz8RgzlEs7NPrwYXJ0Wm9e/9R5bW0/95J51eT03PtkNzJxyd9E0NO1Idoc31AMnouS7XgJ2kslnkLdO"
    "XboGiUGdTShBtOofQUlOIGShSCGOPZvbFW5mQq0fz/nd0rT4vZbzu8N41qaRo1PIgxxWeDwP4jmTLkBvbfgzF5HeEl"
    "RKqRE8iqGMU0Y++CyHUM8y2a0BJbYW/pjMZMvtaMDfHREaHaFPuNY3+TsHE0v5H6gFESHJ2hcNpDRHeRnvIe34/uOr"
    "Q6SfU1RvYBCWb4EcBNluCNomHcnkZLN8cH35Bjhu8L+Iffgm8L8PF8DvUBY8zpm/g59HZ+0GiZH9qjRPk5xD+m9J2M"
    "9IVahS3gj6X4BwRbCpfjLJiLHSYf8hwsgPYhInq0p7WjfaX/XjXFpWhccVrav9ROkc/6lJT1DYa31k9NEabWGGGCDR"
    "xC7kYvCrNPrGIP1cg4s8iWSJjNH6ISOpt5XS9qF2/iU42T2PU1fEnjLfDBMpKoxTjLlnGZkXcNUuc1eftxKMaMfpgJ"
    "/xB/FEWa6M814Y9mUpsa5RlNlC1mFuWnl0zfjw+EXcAZjQon3HiZ5l+Ky3tRKtlCF2n+KbYXwL0ofIy890j4kn29SV"
    "2SdhFjRh8j0ikGcG8hqOnP1/CHAHwidwu1NeHTXi+Ze5bS7033pHvE40twriOFj2fk3h1FIu3dUVEPbDInK7l+rSIV"
    "lOWkVSw3lzSLwW/2V6H61q1bOY3/IYkQPyUn59YtEn+BvvlMhVRnN695krN1rZ2xk7kjnynVPtevL0HBOOvNCujLnL"
    "Vrc3AZKYMC5+AP2BhlEHCewfWnnPehElUBPEyhB/h7LXZrDuAzJG/V1J96Kwn/GcC9hBcU3q2pybSLvyB0JHttQZ+M"
    "6yfZawv6hTiadYIVqUHjmkIonOIzewDehs7guKYJFD7BOCNot9LXlEEdljMoWqOG6IxjeKlKbXO2uHgWqZbzsZKdh3"
    "JPyThMX3YW9cbSOGexH/c5GYeZyA6lcDoO6c1j58gzLMnRl8JrsR+JUgA+SpKDtAFT+t1Jfx61rC5Ma8B/l8JLcXdS"
    "bydwPp/CvRljRTudD/5fdXg+GHdB98Rn8NlRvCmvvUXKJUDrILcUrQJaUvYLsrMTZHgghU8y8sTLPPEH6NgS/jbcHR"
    "2TeOK6U/gk09qW8A+wmU3l5vQ5huIfYF0Z1vINfGY1O4hZ3YKfD6lOVzM/MVESPoOIzfDR0kkZyOykkg4tlRp9VSVy"
    "9cWr2WuGoNRJt4VqcV9tJH4C6T/rtmhpBmiLJdZGex3InRCIwDqA+yqK13tfLI6dcF5hKx4NXJRkuMumBSxKas52qU"
    "7481QnA5jmWC0CdtmVo5QAnWyaPa08ewzVyADT7IXwsVSDOyh8MtNMfY4plz7Ev0BhJuqhpkhwNJNE8a8AfgnV1GQ0"
    "nUYrI7vQHkrsJ3SSntZAlo7G4ruLHtIt607IVmls6eB98ZXj1y5d8lm4aP/dh1OmfuE/KHQytwHlN/1qKBKq/9o6ej"
    "Q+iy8bIqvnBqcHZhH7Ao9GOibIU2VWRkJ6F5157wQdR9WRD5k65Qv8cKGzs9xEMSMw+uz8+eBEvH4KDk4fOGg/W9Tc"
    "TTF48OoYU1ZP/QLSUL8wsDnmBb8AUUwU8Qq+Jj9dI3kFkv23xAavAFFMFPMa9mLAznkLNll7XkwWI+OTXk2GadUW7M"
    "pS6qYynTJJhyYquVdTq2wwNho3XsOT8Uh0Bn0etgmfIa38aOSm5jOndWgZikDr8vBtfAvfxDeJ+ZPn0spp9ic9kyZl"
    "f4Ldm3kfI/dk0FDSySwpUbZmc0jKx3nRbG/RhXmQ7WU9m/Le1Y9po8lfH1eN8nmQDNlgQ6Hch8Km7jtekKEz9kotjV"
    "gaYew9iVyyeBm+EW/sTTFa5TTZ5ndTm9cabZ5LNbP59002P022eUtq2xL2ZtyddIRQ7/AOhb/PNFMnNq+VbX690ea5"
    "QGrz71PLHt2FYNMe0xa8DKFUaMeIGS/TmGZs6m35FDrj5tg0SnBimrEhNsmmp4BD5IxWigYiIdOtoDHLNOrJY1RmtI"
    "3YwHcijSlk2jK2Ek3gNdTDNwD1h6AXZybGl4wpnSPrYT96JmQQ6G0CnS7hkn5WqhOdTDuK6oR0qGDFZoBPl+JPVs8s"
    "M+t/7SD3vzYXbaQ+WPJsWCUpydN+WPGrPPEMZGosfdLE2PXSTa720B9bldTRoHF2J80Cuub+F/JyciZNMFOmxMfLfT"
    "APtz9M0GjSfCf/AO9IL4zphIlGBORsCWRzYZozKRoRMHF0tfkxzfhS/vKErnwzfCkiYOJoRGCOL0Wwb9KXItg36Uea"
    "TrzGMnXMQhP+JVO+N3bd183nacRXvEE9SPYVhebUIUPqTeNdifo4pkHCh1l/QG3HT86cqDVI3cHKlTQCfIHWAZ2hFE"
    "47ehREqlHAIbHkAGoR0rkcxedXUPxhTHMGGkEsOYhgB5ph+5hO8dLJKR5g0z7fFqvHjVKh/Thmq2cmhUrYUsx/murA"
    "HFuKglVUB+b4ZEW4yVZ7mo4q4ZMVMdO4ks26MSETdTT2YFKbUyrs0D7ag1lQOF/jLPVf7u/VmzyPKnUnSn1L5r2Jxr"
    "5EU1cinRMOo2skK0N+NDY6yz/hPBWh5LQcaW3UGqUanUx9kXjiRCIp67148ToOp1XptRw6SVFegBnEvHiBtxGsCqE3"
    "56rwkiIOyVNrqaeuWNVmrr9fcLtVrTN27sxQeE2cOME7eQc5mmKe8Lc5a6VC7hQ0OwTQG8tipLd4X8CIkf7+I0cErM"
    "2MisokL+G5Z4A/AANGRGVlERiDkLdZNU/7ZlkJFa/u11fv4uBh7zym+9oonXuAff/+HTpsad3af/bAhcD/SaEbN0Gh"
    "pzmAdCSjVNOo3x6ZS4MMrh0d2zn3ZNezoTOdRzi1+CQE6m1txk+NT+nqaHxDnoID/RXQqintzODUHLxYQ1F9/Ka8mw"
    "lEz+TRC9CHmM3H4kDa/clLp0oqMbu4OEhh+7CQYQ3n+dim0XQelKaZUIql0lT4GOciikHYnnvYNEboReu0ahstflaV"
    "s4l7iDzho7gI2+LkpmnkmgB8iGVwLR9/9e+9BWA18hWIwGl0CZ8f8sfZNSZMfnLj5+yaHdIVLt3sCjfUcMF0RWl+RT"
    "m0Xr7CoIetGOkKcbatmHqGXGhqIh1osB66wRqcTXef2UjKGGhve9MTgI+gcOK0R5EaNAhZJT2DAy7aBgx1E3mMkHt4"
    "DHnis/R5B8n+KQZ90hDxBEOo3ofPUv2AN7NGVdITzU4SBmP2SHNLCnY2ak6HtkzdlCMT2Ec7HrmHXATFaGPkQzDjBq"
    "WZ8XRM5uz1u+jI5uNLdwnVlI18+ZlI0l1pzUVQbtsY+ZV+sxQfhzbzLt/0+khUBkdJkk0gCRtBxTlGxDkm/QapXZvc"
    "uArpyQukbd5LUW4hisQ7C/FO8kQ8nrW/8TA/e78Zvg15Ntq47+rIE1xSSbJCvom8CqU/N/EslJPG2u9HOUBIvA1rWo"
    "uuclt4RzqqsWJK1qD22AfrPstfvz6fbVj32Wfr1ufnMxR7E1fNL6czM9BqIBqItGw22sTW0f4E0kR9tvl588fV1eR5"
    "c5bA+cUUrpSe7iQvbk91tehHUDC5AjhKWxmnTTOWhPnjj+yn1dUNxyRswEfMdXYx+g+30NhxcL2qiluI4V6IbFt7t/"
    "jGBU9m4ht9Ks3fumD23pF864L5E8//0jvQ6rl/SIj5tzG8Wil//wLvRL+NwfjdDEXy9Uz52xve9vUMt4zfyPDqb2G7"
    "8asaxEzj9Q3GOxjGgsjWbgWVrSPTA7JTPex4YyFrmPWGfJbGL454O5ihT145wFvyTRPWFIngoGYUc4Hbdn5NYHHNa4"
    "D6n9DwslP4XAl/k2ggOn/+vIL5nM//kB9/1FI+E+StGsG6N24AG+jFB0McQ5/2IS3IvY5V4psAisaJZB+Gq+xlEvmi"
    "MBoXhCHpDAPgXD3NFCik+TobQD2vGVWkBrJZ/vhmJSHbguYies+i12hKcA1aRGgZrwPNNuBlP2sql7wmiQDYz1JPle"
    "1GU3G3V6/QUdJ3wySxUbTDxNjXxka90clGn15IYvdIeDavNaCYt53ADpXQdJd2Lxk7ifplGWZlCXWv/oYV6cmms8+F"
    "m699/4CdWueoQzdwJdJ1PBofvwPPE0LxbLar+FtEaeka6fkq6dshBpn6ZJWOSkepBQ7emGWPDKfWa4cQS9LBG2uSQ/"
    "LJMz8NPXjJgR2pF39nSQvu6aH4I4dLB0M/nTmjJPhPXNmrSp+I0Dl9ei/k8nheiTCvemHghVOx7/RXO/R/J/bUpcCF"
    "5KneHoiLVQ1wUA9QxSKEerxHdj7mssKTH0o7u3VIpQQPqFKGoISYh3x5o/vDGHZ6IPmQ9zCGeLHDsC93EK7TnmQtUm"
    "ro8QvXLxBti3mQ9yhGuI5XxTxqHM5//SgGaEcDbV+JNihcowcfq9ErfPHqmIeN7nw5EP9PIPlAiAPtpldAmz7TJqiR"
    "XmVFDni4+EBCMu9BjBJ9FPOI/7px+KMYRuab0O5g5Fujl8aQuefKHsagBELdMMYkxcMYvJqOKEvT9JRK08EojV6F6M"
    "gmmR7E4BjKgFE2w+hHMXgVYYX7kspYw/YTatlrxsiBPqTPXsujz/lbCrXcc8jT3P5vPeI2/y8d5K2VCrMO8jYC+eT3"
    "adhbrrWmveZ+n7KRx33GuvEcq3D3nkbeCiy8nYh+KZpsBL9fRDBYDsC0w5PRCLX8DbIz2jhK1kBe0tzpHWs4HjHrC9"
    "AA7FXOxhoaMF5fgKvRyXIxnstGbqHVuXV5uCK0Kq/O2JfI58J6ay1/J4IFqUEKtYYR3FfSlx3QLzyox3/gJ0VoWR6K"
    "NLB5zOt3St9+YEEeE6TK5c6ikeQu2KHz8I4iZC1W5NHnrQpFA+er3CXHNZY21jZahmOtUFR5VunRLGwI3CAaHnF70R"
    "12IOLEv/FW8YnhT+k+FKVMMD7VVFherkx4GUUpYlugmCBFIoSgmgWCOhS1IaUy6/sdWcqER4Yj2B9i1gVoLHrCOnOD"
    "H73Oic6SY5HW2sbayo5N2hCIDVlHS7MIIzasNVrDtsei+D3ublj4iEFsEr0vgcbXsLIGcr6UFYuk13jR2gFRTk2Isk"
    "nlWTu+z6pM2UCYuSLWYmt8Ch1Aj9Gn3MxmXiIk/0niG9AHm4XVosFiefn/k/SCsasURaEbYrAy4R+fcovo12nTAIpN"
    "wmoWpGtVUP6SPFUqS7RW8qRWauC2XLn25WYT9bVSrEtuhmtiMLoBl9OAL/aw+EgIANrtKN9D9C5aYIGkmtzs0sg1pc"
    "gG318wxlV8pIy+uTOjMNSfxHW5MNps5VbayQpLpxPcaKlxdtLotA56l04wjKVSwaYO67OgdOlE3OjujrhJS0sX9GLP"
    "Orin4NHiA7Yt+u+ckTw6NXY+Os62FR9gr33DCS/YFnjZSnmxsoU1SVjROOusuNmuYxagTvjP4thI5db61DS/0MKM5N"
    "vKEIZK8By4+VjaDa20wHep+NxiH+XzEVyRZLMaAksexIflbmfFHgZ6+D6yKV0TCaKt3+8P9HberE+U6BkoF0Q68BNU"
    "HlVHR62dklcqqKx6F27J8F4g3STEubvjxokgXR/2rOPwfaiYfUd8jifNH3sK8SPn4PHic/Yd9GWKO+EGZmK2LJ2WHB"
    "FTdvQuOvZwaWRsMf4TdQJNg3jpt5NB035pcI+iiVc4Cj3JebzKAim4dlx7g8LhFa1XmV0DH6JQdDE8E3rCpeYr5FlG"
    "EgHDj3TrM9aWszTUGehz1MsAK1FwIFm3Dcy7dDYN2gHOgDfqJZctDD/5xQ9XvzgZvpC8u/oDecdaXz35xUL498XJq6"
    "Z3QG9L0z+KT4SL0rNLXZAjsrFANltY/9JTrB/uWoo74c4l3A7WVazAmeIFUjsjBSCI2JlvBH+hNT2TH0wcsZ6xkcJ8"
    "JYNkRnTAIDqvse1l1a496vTUI96hoyP+AJ9UvefVrkf/IeP6sttHxNiic6ijV1uL9r3xQNHQU9Hho/2aPhoyjcxfTU"
    "+EdNiBRktjqKisRFJOknigkn6igyk4+pcMqbe2YaV3gG/UEPzl61tbWll3s+rQ2bLj919PSW7b3YHv2LltZ9uYjfm/"
    "Onj35LVthC6Xf1vby8LaxrKDyqKddVeH1i4B2y+/I1y3tOys7WJl10V1B//1zVPbtqpOHdvadre07pz2/S38kUufru"
    "6+9u37IA/UGvU4qG7dvnPnblZtLbvn7iu+/I60H7fh3hpHWMS/XPNaHEEigza2r0cGbWzJ1vxyjUV8y8iA0rb9H3t9"
    "q43Gvf6fjf+y1zeV8GlMhcKa5vFaTl0RvV9hTc81DNeE9k29hZqWz6Zg+dkUoaayspKcTETxT3Cd1NVPTkmwvuS3/c"
    "JLXA8fDSeBwgThIT2R1cjPQKlpSigfz7gj6XxGNLh2sm/bs9f6ML+e7gNdVT06OPRaz4ZN6+EmuDq2bzO4n2LBKssu"
    "3du11fZWhKy2JOO2hXET5XEhDRYrvt7/OxkXtSIjf8c/aRok1JudkInZZVWJR48mCvX4ZVHR6zjSuYyYTVGq+CeodV"
    "ERfkmwKgRFkytgUS9gfqZkqFjVbv77U+darmqdlbwjU6h3cdUPXR27FnhLE9rjUKFW0omdWky7fFmovUJ0+juMWUS5"
    "NjtVwq9AZ4my3lAr0N3/AVCqSP0AAHicY2BkYGBcyhzCoM2QwcDDAOQhAQ4GFgAnugGrAAAAAAAAAAAAABYAKgBmAL"
    "IBAAFOAVwBeQGVAbsB1AHkAfEB/QILAjsCUgKCAr4C2wMLA0oDXQOlA+MD9AQKBB8EMgRGBH8E9AUQBUcFdwWfBbcF"
    "zAYDBhsGKAY+BlkGaQaHBp8G0wb2BzMHZAehB7QH1gfrCAsIKghBCFgIagh5CIsIoQiuCL4I9gkmCVIJggm0CdQKEw"
    "o1CkcKYgp8CokKvQreCwoLOgtqC4kLxAvlDAkMHQw6DFoMeQyQDMIM0A0CDTINMg1JDYYNsQ37DikOPg6ZDqwPGw9a"
    "D3wPjA+ZEA8QHBBHEGcQkRDLENkRCxEmETIRUxFpEZYRuhHKEdoR6hIjEi8SOxJHElMSXxKZEsESzRLZEuUS8RL9Ew"
    "kTFRMhEy0TXxNrE3cTgxOPE5sTpxPJFBYUIhQuFDoURhRSFHcUvRTIFNMU3hTpFPQU/xVbFWcVcxV/FYsVlxWjFa8V"
    "uxXHFgwWGBYjFi4WORZEFk8WaRaxFrwWxxbSFt0W6BcYFyMXLxc6F0YXURddF2kXdReBF40XmRelF7EXvRfJF9UX4R"
    "fpGCIYLhg6GEYYUhheGGoYdhiCGI4YmhimGLEYvRjJGNUY4RjtGPkZBRkRGTcZYhluGXoZhhmSGZ4Zqhm2GcIZzhne"
    "GeoZ9hoCGg4aGhomGkAaTBpYGmQacBp8GogalBqgGr0a1hriGu0a+RsFGxEbHRspG1YbhhuSG50bqRu0G8AbzBv+HF"
    "AcXBxnHHMcfxyLHJYcohytHLkcxBzQHNsc5xzzHP4dCR0VHSEdPx1rHXcdgx2PHZsdpx2zHb8dyh3WHeId7h36HgYe"
    "Eh4eHikeNR5BHkweWB5kHnAeex6WHqwetB7GHtke8x8ZHzkfZh97H4ofnx+tH7ofxx/PH9wf6R/2IAMgDyAbICwgPS"
    "BNIF4geSCUIK4gyCDgIQMhGiEpITUhRyFfIWsh2SJhInAifCKMIpoipiK2Isci2yLwIv4jGiNmI30jlCOrI8Ij5CQG"
    "JBMkbSSTJLAkyyTnJPQlECUsJTolViVmJXMlhCWVJaIlsiXMJfgmEyYgJjsmZyaBJo8mnCavJtcm8yclJ4onoSe4J9"
    "on5yf6KAgoNihFKFcoaiiEKJEopgABAAAAAl64bzFLml8PPPUAHwgAAAAAAOAwnFcAAAAA4DCcV/fW/EwOWQncAAAA"
    "CAACAAAAAAAAeJyNlFFIU1EYx//33nPvhlaEBBI9+CCRUuDDkBARXyIifIqwHkRCxh56qTUEIyIUwkRiQbAHiT1oDy"
    "I1ZIjY2MuIMUZIiITIIihdEoywqJfaXP/v7E7XVIrx43/Od885d+f/fd9VywiYk4DVaXRaMaSdBUTtZsx5phB0ejBq"
    "+pC2WjBPniugh8/XuT5qbsBPzZlxgOvHyUcSIc+In8g5YTJLJsko126TqJxRRfXiqRfcfxfH7fvI2hGEnHbqMWTVFL"
    "KOj3OFrDkglCN2L+PDjG9xTZHah5BaragdZuwExtVG+ZedQ1zO9HzBBfseehgrUgfkLvKfqRn9fpQLvNec2sI97k2o"
    "AILUoCogaK6gQ8Z2ExJmF1JmVzmnpitjzxskJK7yen1C1lmXOT+LW1YrzvNZTCXp1yT6qd0yVj5ct5sNmHFDibpeau"
    "/pzwvxiAySK7KG/2uArHlhnLLSvGe+4p14LzE+e0deS8zqxCAZUjBC3B8T/yU/nLcyPsH9N7g/5UlhwmWI3oe17wfA"
    "+3klF5KHWpiHbjLNXOxQHeanoZqHfSwYJ6kBnYsaJBdqjec10C/6fhCeHDVQyUMtzEGG/j+hfiA/tP9uHurR+c3jku"
    "SiFsmFzrUo76pzX6+8u66FQ1TXKHOu7y81IvVa+LdKPbv7DlbWut1UznuuUsMYoc+bvOcqvbao3zn/Sd3kfJ4+RHRf"
    "sB7VEs+/wxplj0id6j5hrWqG3TUVfSRqwZ0nqQ947kWYkkfxsl6dMSzvjvt0HQbr1RtGyNvBe7IHpQ9cHdudS1+yNw"
    "5T6Vnpm3rVNSN5+0+Vftc9JzWW3Ot73Xt1Kv0tXrFP4kr8qJAhX9k3fdRFsg2UpoFiGthp4fim/vZt6G+cn8/Zixpw"
    "j5LvCc+LyZlVVadZc7UAXZolwyeYL1Gwr6HAM2Tv+4Ykgkc/IWisoM0soU21o612bC6i0fIhSlJG/84E+7uX/0W+J3"
    "723Ax12NXqfL0evn/+b8zH+2N7cQfmjAPMVrR2TD3D70CV37jtOYeHfK+P7/nWOAI/GRYFyq+Ka6VQcbF0pPiWv0xp"
    "qvj5DwmivS0AAAB4nGNgZGBgz/0ny8DA9+/7tV+BfJEMQBFkwDgHAJiGBroAAAB4nGNgZOFjnMDAysDAasw6k4GBUQ"
    "5CM19nSGMSYmBg4mZjZuZgYWJiaWBgYGdgeJDEAAUBaa4pDA4MCuribCL/RBhnsecyPgYKTwbJAQCt7wtuAAB4nGNg"
    "YGBiYGBgBmIRIMkIplkYFgBpFQYFIIuFoY6xXkFdwUphjeJUJSElD6UEpVTVTap7VI+pnldjVRdWF///H6hagWGBgo"
    "CCAVDVBKiqFHRV/x/+P/DQ9qHpg2P3H99Pv290X/q+xO37t6/dPnv76O0Jt5pvNYDtJwgABgcvFniclY9LSwMxFEZP"
    "bH2uRVxmqSBSWtC1DwQ3Lqq4cJfWUVt1pnRqwX/vaRxKdaVckvvl5nskwCYPtAjtbQgdaHBgz9M3XmMrXDW4tTJvr+"
    "B19sNNgzfYDU9cUDHhkykjnnlhRuSAIYf2Lh2rJxrIiJzLmVG7phQk3jlyek0p/1h0xpsV6S+96nwq7IWaufujzJ0/"
    "pJ4sU+9Mmps1VlPKXrwjqflf4qVorO6eDxlDuSm7FVmR8o+iLqX7RM5A35G8qL4yPeW73z632aX2RZX16nSRWsutsl"
    "PX7B6nP1SN5gsfcELPAHicY2BmAIP/NxiiGLAAADMvAjUAAAAAAgAIAAL//wADAAEAAAAMAAAAAAAAAAIAAwABAT8A"
    "AQFNAW8AAQFyAZoAAQAAAAEAAAAKABwAHgABREZMVAAIAAQAAAAA//8AAAAAAAB4nD2OsQ1CMRBDjURFzQAMg6goWc"
    "BBIYfyc5GOUEB9EyD2/VwaXDxZlmUZGwA7fPDF/ng6X/CmMcFpTeHJeIdfqY+gZAu+bIGX3MMXyxUu1OhITpFUKuEL"
    "+2FyxELjELjWmfTCBrenRnPctARl7mMbH7Cu+OsHt6ktqgAAeJyFkL1KA0EUhc8dd2M2iPgEKUMeQWSRFFZWgmgRjF"
    "iJ3WLCmi7GxN9ojJUkKcRXsLfyHWxEwVIEe8HGM+M6zppAppj9Zu53z7AXAiCHV7xhBeEMpl94hmoB3hbgP8Isze76"
    "PctOwmuYuGSWuXuTPZR/XP217GSk7svOufrHah746pFD21pEAQvIIoNlVDHEA96lIEvSlBu5lyf5VJ6ag9AIOI8Qi9"
    "hABZuyyrsM8ighkprEUoeXJE5JU+cGMd/eZ34x6EKkQUJwrYdkvbb1WtY7GOMdW+/IeofG2015Z8bbpndqvAa9kxHP"
    "lwvjcS7SNV6f3rmhTuquY3rbTq/iv7M3q7miqyRxkq/GJPfGJF+OJnOiSTLpf7LipFn1Ffe8rpLcaklXPd6TuJPcaq"
    "Srap17pKskMS/W/Gfp524Nx+RBwnX/Q4a5u29l9kSsAAAA"
)
UNITS_PER_EM: Final[int] = 2048

#: Advance widths of the bold face, in units of 1/2048 em, by code point.
BOLD_WIDTHS: Final[dict[int, int]] = {
    32: 713,
    33: 934,
    34: 1067,
    35: 1716,
    36: 1425,
    37: 2052,
    38: 1786,
    39: 627,
    40: 936,
    41: 936,
    42: 1071,
    43: 1716,
    44: 778,
    45: 850,
    46: 778,
    47: 748,
    48: 1425,
    49: 1425,
    50: 1425,
    51: 1425,
    52: 1425,
    53: 1425,
    54: 1425,
    55: 1425,
    56: 1425,
    57: 1425,
    58: 819,
    59: 819,
    60: 1716,
    61: 1716,
    62: 1716,
    63: 1188,
    64: 2048,
    65: 1585,
    66: 1561,
    67: 1503,
    68: 1700,
    69: 1399,
    70: 1399,
    71: 1681,
    72: 1714,
    73: 762,
    74: 762,
    75: 1587,
    76: 1305,
    77: 2038,
    78: 1714,
    79: 1741,
    80: 1501,
    81: 1741,
    82: 1577,
    83: 1475,
    84: 1397,
    85: 1663,
    86: 1585,
    87: 2259,
    88: 1579,
    89: 1483,
    90: 1485,
    91: 936,
    92: 748,
    93: 936,
    94: 1716,
    95: 1024,
    96: 1024,
    97: 1382,
    98: 1466,
    99: 1214,
    100: 1466,
    101: 1389,
    102: 891,
    103: 1466,
    104: 1458,
    105: 702,
    106: 702,
    107: 1362,
    108: 702,
    109: 2134,
    110: 1458,
    111: 1407,
    112: 1466,
    113: 1466,
    114: 1010,
    115: 1219,
    116: 979,
    117: 1458,
    118: 1335,
    119: 1892,
    120: 1321,
    121: 1335,
    122: 1192,
    123: 1458,
    124: 748,
    125: 1458,
    126: 1716,
    160: 713,
    161: 934,
    162: 1425,
    163: 1425,
    164: 1303,
    165: 1425,
    166: 748,
    167: 1024,
    168: 1024,
    169: 2048,
    170: 1155,
    171: 1323,
    172: 1716,
    173: 850,
    174: 2048,
    175: 1024,
    176: 1024,
    177: 1716,
    178: 897,
    179: 897,
    180: 1024,
    181: 1507,
    182: 1303,
    183: 778,
    184: 1024,
    185: 897,
    186: 1155,
    187: 1323,
    188: 2120,
    189: 2120,
    190: 2120,
    191: 1188,
    192: 1585,
    193: 1585,
    194: 1585,
    195: 1585,
    196: 1585,
    197: 1585,
    198: 2222,
    199: 1503,
    200: 1399,
    201: 1399,
    202: 1399,
    203: 1399,
    204: 762,
    205: 762,
    206: 762,
    207: 762,
    208: 1716,
    209: 1714,
    210: 1741,
    211: 1741,
    212: 1741,
    213: 1741,
    214: 1741,
    215: 1716,
    216: 1741,
    217: 1663,
    218: 1663,
    219: 1663,
    220: 1663,
    221: 1483,
    222: 1511,
    223: 1473,
    224: 1382,
    225: 1382,
    226: 1382,
    227: 1382,
    228: 1382,
    229: 1382,
    230: 2146,
    231: 1214,
    232: 1389,
    233: 1389,
    234: 1389,
    235: 1389,
    236: 702,
    237: 702,
    238: 702,
    239: 702,
    240: 1407,
    241: 1458,
    242: 1407,
    243: 1407,
    244: 1407,
    245: 1407,
    246: 1407,
    247: 1716,
    248: 1407,
    249: 1458,
    250: 1458,
    251: 1458,
    252: 1458,
    253: 1335,
    254: 1466,
    255: 1335,
    256: 1585,
    257: 1382,
    258: 1585,
    259: 1382,
    260: 1585,
    261: 1382,
    262: 1503,
    263: 1214,
    264: 1503,
    265: 1214,
    266: 1503,
    267: 1214,
    268: 1503,
    269: 1214,
    270: 1700,
    271: 1466,
    272: 1716,
    273: 1466,
    274: 1399,
    275: 1389,
    276: 1399,
    277: 1389,
    278: 1399,
    279: 1389,
    280: 1399,
    281: 1389,
    282: 1399,
    283: 1389,
    284: 1681,
    285: 1466,
    286: 1681,
    287: 1466,
    288: 1681,
    289: 1466,
    290: 1681,
    291: 1466,
    292: 1714,
    293: 1458,
    294: 1994,
    295: 1618,
    296: 762,
    297: 702,
    298: 762,
    299: 702,
    300: 762,
    301: 702,
    302: 762,
    303: 702,
    304: 762,
    305: 702,
    306: 1524,
    307: 1404,
    308: 762,
    309: 702,
    310: 1587,
    311: 1362,
    312: 1362,
    313: 1305,
    314: 702,
    315: 1305,
    316: 702,
    317: 1305,
    318: 982,
    319: 1305,
    320: 1140,
    321: 1315,
    322: 760,
    323: 1714,
    324: 1458,
    325: 1714,
    326: 1458,
    327: 1714,
    328: 1458,
    329: 2013,
    330: 1714,
    331: 1458,
    332: 1741,
    333: 1407,
    334: 1741,
    335: 1407,
    336: 1741,
    337: 1407,
    338: 2390,
    339: 2241,
    340: 1577,
    341: 1010,
    342: 1577,
    343: 1010,
    344: 1577,
    345: 1010,
    346: 1475,
    347: 1219,
    348: 1475,
    349: 1219,
    350: 1475,
    351: 1219,
    352: 1475,
    353: 1219,
    354: 1397,
    355: 979,
    356: 1397,
    357: 979,
    358: 1397,
    359: 979,
    360: 1663,
    361: 1458,
    362: 1663,
    363: 1458,
    364: 1663,
    365: 1458,
    366: 1663,
    367: 1458,
    368: 1663,
    369: 1458,
    370: 1663,
    371: 1458,
    372: 2259,
    373: 1892,
    374: 1483,
    375: 1335,
    376: 1483,
    377: 1485,
    378: 1192,
    379: 1485,
    380: 1192,
    381: 1485,
    382: 1192,
    383: 891,
    8208: 850,
    8209: 850,
    8210: 1425,
    8211: 1024,
    8212: 2048,
    8213: 2048,
    8214: 1024,
    8215: 1024,
    8216: 778,
    8217: 778,
    8218: 778,
    8219: 778,
    8220: 1346,
    8221: 1346,
    8222: 1346,
    8223: 1346,
    8224: 1024,
    8225: 1024,
    8226: 1309,
    8227: 1309,
    8228: 682,
    8229: 1366,
    8230: 2048,
    8231: 713,
    8240: 2949,
    8241: 3864,
    8242: 540,
    8243: 915,
    8244: 1290,
    8245: 540,
    8246: 915,
    8247: 1290,
    8248: 1501,
    8249: 844,
    8250: 844,
    8364: 1425,
    8592: 1716,
    8593: 1716,
    8594: 1716,
    8595: 1716,
    8596: 1716,
    8597: 1716,
    8722: 1716,
    8776: 1716,
    8800: 1716,
    8804: 1716,
    8805: 1716,
    9650: 1575,
    9660: 1575,
    9670: 1575,
    9679: 1787,
    9733: 1836,
    10003: 1716,
    10007: 1716,
}
#: The bold face as a base64 WOFF file.
BOLD_WOFF: Final[str] = (
    "d09GRgABAAAAADsoAA4AAAAAXcwAAl64AAAAAAAAAAAAAAAAAAAAAAAAAABHREVGAAA6aAAAACIAAAAiAvMEFEdQT1"
    "MAADqMAAAAIAAAACBEdkx1R1NVQgAAOqwAAAB6AAAAliekP8NPUy8yAAA4hAAAAFIAAABWTB4YiWNtYXAAADjYAAAA"
    "gAAAALQGhSn+Z2FzcAAAOlwAAAAMAAAADAAHAAdnbHlmAAABRAAAMJgAAE8ChGdQfGhlYWQAADUcAAAANgAAADYm1e"
    "J4aGhlYQAAOGAAAAAhAAAAJA6vCPdobXR4AAA1VAAAAwkAAAYq8aiebmxvY2EAADH8AAADIAAAAyA1wUpBbWF4cAAA"
    "MdwAAAAdAAAAIAHPA8tuYW1lAAA5WAAAAPAAAAH+LAxBcnBvc3QAADpIAAAAEwAAACD/2wBaeJyVPAtcVFXzd+5j1y"
    "eyPFNEWBdY0Q95LLCi4hMBFfCNqGiEiAgiKhAiIqKf+cRHPlIzMzIjMzMyK1JLTK3Mj88MjdDMyM9KJPNvirB79j/n"
    "3LvLYvb9f3/XXXbnzjlnzpyZOTNn5l6OBy+O49dItZzEdeQ40GoEraDRarTgBRkGQgyQQXZJteYzZBaUm78mezmeOy"
    "McEjKwhcCpsYVGx15Cxt0LdxGxlu9H39gpt4HjVP7SKc6DwzFA0DobBK2rlr11zuwdpmVvQKCwOQU6PHf9OXAlx0dB"
    "T3I05XoKaU65kUJ+hdhocgsmpsB40hwNHaRTpARKSUktabpKSqGEvq+CUy2Umg+RJqRqP7ksqVQunI7rywXjyDqhP+"
    "g1vcBdo+8PYaHhQ8Hgir9cKdS9F7i6qNSCxgH/ujlrhiCCn+BRDsW/5eTeKdT+/uWfDVCe9sUc/O9NLj54VB4zJeHe"
    "1KnjyWUIkPr7g2rQUBGMqr7H3nr/y463Gzr09iB9AyVyU9Xnkw8/OusgjABJHBU2aCR5j/wGI0ZEjeSQ0yMsDeoz0j"
    "2uM+eO3NFzBqSytwoJMISE4/j6EDckStfbD4kFHRi0dr/d7fBUhpiE+NjYuPiYqitXqqquXjX7Xhfe+KG1rKq2toq+"
    "YxMSYmPjE/iMosW5RUW5i4sqvjt5sr7+5Ik602VV17qTJ7///uTJuopli3OLi3MXL8M1K7I0qA4gZX5cEMd1hCFg1K"
    "p4NWj1DqDz5nB8I2OhIcTNXdMfdIwYgfEOSTIKXrA7zCiBsVvObPAlSanzfllJHpNPNpf37UMuzzibNatifPyU4JeG"
    "jzhUMDIvRLhBhkQfWXCc/JxFTmVHR4Fr/Ys3M8MyB77+uacn+S2o/6Dw3lPJ5cCCmNxyf38OqOTBUSZ5TO7gqCJx+J"
    "M7Su4LosqJ60ql2I8PC3WipLu6OAkiubr7xW27wH/FihJy/xEgB+D0n3fJoOvXyUBseYDc55vlls7hTmGhvF7r5uTq"
    "wqsPrMB/4L9r24u7yf0mOHf9Opy9+ycZWl9PRj6iY/rzEaIKuaXBH11B7Ys0SfoAMEoag8ZXVJHjMCaOvH+IVMZBAv"
    "s4BPHi6XeOlH1EKiDpo7Ij75QdhyRScRz7qkPBqJdElAmcG+oI9oW6oREu8Z3MD5vMD/lOkmh+0Gh+wHdp5LvQ0bPJ"
    "dT4CVqE8cc6IqHO+BBmPatNgFakhGyAfMXLgBN/A36D8QgxtDp9n3sjfINdp60uoorS1cu0SVXRsWkyvcZYRfKPCZw"
    "PoeIcfzH9cl2ofZ6OEpFoapEBFdjlw9EMZ0DjS1QdHTuvNadincGTesmWZmcuKMlFTPyPfkzryGQwDPfjBML4Rnrl1"
    "i/xCbv3yCzxDykg2bINcyINtJBvHvo18EHHsTowuSeOrpeboHkwmr8MMWACTWxuhk3A2FlSxrWHkIbYo5zjxBlL0DL"
    "NfWg0wJUa61KjOBm+RKjifwG9tPcNrR0eX5U+/snQlWQpdwH/5V+CBpsUDbo5YHjVvRXwcxPYLaLy89PJ7lAvrLA1i"
    "E/bbB39QMyFqe/tROyIrXz8Ik7+0G0ioeukVcphU5d5eNL927u7X33x9T/nWTeuXzzw1a/GP81GZtesFX/3pHT/c9v"
    "UF/3Bj5uz0ec0zZibO6usPPby9P/1s1ZvI42TkgQF5wFOZ7EjNIwqUjvJBw98n0+HgMDhcW0u2mzPFXebNwhHTRPIr"
    "uQeOMIbSvQ9XiMfWnvLKulLaOFcXrh35lOo64aT5+X9MCwINBJEPyPclj4uW1j+38bXXNk46MV+qJbdud+lKfn9wnz"
    "QFh0BgdPS6/OfX9gtAqkpwBJ3UhDLg095ygWwU1DhkCBtSFogQN/7WHPyXPmcOPP9sxfjDnzmO2DPjFnQn50gzuU5O"
    "Qz6MmlvN31yl/OMvksaAfp+eCA4mD+rukRuwDubBYnjTm60LrncTzk9F5+cKWtCuE+eYq8g6Xm8OlmrrWkWxikPZLU"
    "YqnZik6rjA9nT6Uivmo5VlQ15bbx+0a85WBJwE/+X8vLz5WYsXk2Vr10MPZFI36LFh7a6XUZh/QKKvvnx/dvL01NTp"
    "ybP5vc8vWJCfvyAnv8T/UMnJc2dPlRzy73tyyw8NDT9sOQlTpqWkTJv2bApyLhNpckDOPUM5Z5RXw4i2tTfaViu3ev"
    "uBlQYk+GJyxcTDn2mi9ky/RW5DBKjBB4aR9aRq3mdQMicdWZqergWXfsitkBDo/P0f0Js8T3aRTWSaF9+0atXKf/5z"
    "5apVdD++hR8JYoq8bzsztdJob8E88hJ9iymkmByk+s9zpWhZKCbzCWTbouA2o32hDRQbIzpgA2q7IqV68TxdkY68K4"
    "SBVG8aLHzeQiReuEiOkeMtUNMINdhzHeileqHeSoMre9VJPEVtIUL9nWt32/fnHAa0Q4YinBUutpDgRhLcQiWd58pQ"
    "ErxwhT05LdV9tre3U/4QusDdADcoCennz5KXRmQOiwhLSZxwIr3wi5kPgEuYNSyqr8wBaA6eWJI6MDS5f/S4kSNgYN"
    "8+5z9NfXlaxJCxAafR8cHx1pC96hxpP0pUPI5nJytAl9BP2RjDDLIboffzoXSwTcjdTaQr7a4Sdb199PL2FO6D9FEH"
    "BNdcJwydN31aZtb0pHmwp9fqaYevfvf2tNW9Li3bNHDQs6ThYN6307e/kTUnDYRty03TsopJ3a6PyUcrVrywdvlyGH"
    "fsR1hQNDaeVJGret6jaNPmpYVlZWR6zLjHX3zRMj5mlXms85evpL07euk/Iwelki8/2EFa01Lnzhpf/tzcVcXFMPok"
    "blTFy9a+/VrqreXkD/ItnSvaX5UetUxNv1ETBOwliNHmg8+SYt4fLvD+pNhcAbu/BkdyT6pt6cf78hOp5p1A+7UO23"
    "bAnZGqrGIwNc7WL7I99ceNTraaTjNmzZpR+1Nefl7+T3zssrXkGrliLuVHgBHc04Vt4xPiJ5DPzbmps597jhTy3X2q"
    "y777Vqo9UZO9G6UlHXUqGaWgO8f5MjdFNjmyg0KZTzkvJWf+p5hsIHFwDPKL/5OZ9e/cfzU2/iv331kTjQPgNZgD6f"
    "DaACO5MDqKNP9ymzRHjaZcwJmoIthM6G6nURYckGx32UdQ4Sz4yPWNj5vvmv+EnTAZ4gvmpafPW0KO4itTrDQt+u3G"
    "D7+A7rm8OaT5zbfIozl5z1Erhj2LN7Hnzm26SF8nxG7mxfxc827+QGs92uDr5Dd8H5L3bNrmArbpaN/G1oKUWPHNaz"
    "iFLy1MOzhflDuFL2J7vtBtRWrZQr56gzHnBKzcAZrC4kfL/vP43vXBc/3v8Ek50dGMQfNgH2VQTDSx/H6XkG6O0Bt4"
    "mSrp4VNmAqX8AOqom7+glJnP8xEoIYUybdiGj5Q9DGcZl+K0UE/OUkbS2TW5P6ocjO8U5xK5mDB4SRFinsAdrxF0L6"
    "xUelMtsvkMoMUtE2QC+sGn5mChO+llPsKIuMFrzZGmJj7OfMxuDSQr5bQJ43trgo3jarr+XShGR9m90LG+f8OlToRf"
    "yXZS8YBUkG1Sremm4NXST4wy1Qu+rSc4O86w9QIWVtGmR3gvyCYTzTdZK07ksBVn4qi84Zqp0m3elbJK1CcVrK4Vfg"
    "rpR6urj75XXf0eZMAugo4b2U3mwm6xjpga7xATiHcaQQR3kkZ2kJ0kDfZCJmTBXlmemWZ24pwpTVT7ROSv1ibaJ/gS"
    "8IRgNO8NhMZZtQuXLl2IjPvtjtncIp4iz2anpc1nlJJaRmk3jGA4SWcjz4WGC4xyN4Xyzb3IZpIOu2EuErHj6lcQQL"
    "aShqPVp47hFDxgF8ynxOE0tprI9mRyVCXiNO5Z5FkoOsgxHezZZku681qNbf92x3AShZq/UThvXmE5KeHj0NV03rxl"
    "XPGwSyT9uHHRLGHo9LnpSaSUPDSjAp27sv1UgFNJKUmC3IUT6UptQ10JwNnoqZZbAxsvq9vno9cw+40jB4LsOoSI4o"
    "Wi3zLW/3Na/oHH35B6cnkT+WnzZui8bPkLM9bu+LEGvMGhCETpIPncOCBu/OCRz2hDvj7x6I/wMBgVFz85ITqulzbo"
    "m8ob93zp+Ci5UiaztjYd6iSlEA0pIY5Uq1sTxEomUUjnGcTTMDx5B9JoFdaj9BauW1+IelKNW8EnpBqlq/TjV1/9WC"
    "gxlZIz5CsIh0hlNGbbVYpUg7YTrIKNsAFWma+SMBT/SjEBlRE4RO+wzU7+GTJ+RMIi4IFDv53DvwvIfhKFG8cDEoVt"
    "z4iR9I1CndO6FftAnqp4WZ/lHuT/golXkRzyOjod2fjNAV6EGIiG7XyLWQWE8HwLX0+84CZahEbkzg0mAZygKLfGBd"
    "5ADZwMB83nmWY38i6m/eYNPI17qP+8yKp3rlRrw0CbK9423RAGtNwRtCZUyl9NRnL9V+FLa+zoqXKx+iQ0/DrKZ6O7"
    "1d28TeVys2X/zSeiIgnDIt7BfP863+2UattjGrdsYFEk6wNo4IZvvtm8DX3c29jV/ZtSCs6EqxEqpFsy5zuCDv+DUM"
    "s7/kHSydz7PK60+TJqx2U+gI1HPEWO1LMozFUbRk0EqT91Cq/MEpv4bap0eoV2AYXQ43OyWZVO1sISqptJGLmcFYtw"
    "nX3t/N5I8EWqFE/FR2toF7vw5QsXzZgwZz11hGKPlR6pQ2+39+UXNuWem5L7Sx4EYnzbHDcmKn5rtv8ac+nB9JkXys"
    "9+1HPKuP79QdPT83c66mGUzVnIgc5UT33tXFiBhQMopDiynrJX4HILC3Nzi4qKxhzLr4FO5GFN/rExZA+k367Yv7/i"
    "rVdffYuvTZ1JPiRmfH04M7Ucu8V503mF4by622sp28Xs9n0xbPS2cTvffHPn5JeGTX5nKu4Zh9BQBya9LUaSayFB77"
    "7yyrshwaTeywudC1d8Gb1oxEX9chzEkdkYqn6MUbRLdOkE+8kcpJHymMr8GvIQOtXkvV9O57K4sFA4wSc9biyfnQyj"
    "QcDX6JmmL+ls6FteE6kT0u5C7SWup+z6txHuzUnyekidTJ903btx0d3iEtT+f5N3YSxutB0gkmwpSMlY6cgb0pcvHx"
    "lFGoOC0TF2BycYSKq3pRfnL5B1TSjDeTjTMbA3T5CtCW6h1DsVys7FDYYQ8i+yp7Ly6ysqlzvGqAQLZ9ovpKAr/OG7"
    "lBMkWnIQC5EPfWR/ioUmzK/VytGJNYgU7AIq4SBy5CJ5AF0u5leOQQ69TU7M+3z2rGMzjh5ozFm2JHfhsmWnUpNhZE"
    "srDE+efdCkIfdJg7cW3MPD9hwQVAd27nn1wI6dB+gqH0b9csI5MI9LG6ZBT1peazYTKktukhPZ1dXRNbb/whVUaiYc"
    "X1D9JX/InJgDu7ct6KHTv7PbXKdyMVekzmxikokftMd2kc9hSKdtyR4xpXW/yoVcQyTLCRLNMDvjvsYsrEqJ85UW31"
    "18b0h6nNLq2M27d5LXqDhsKlNdiC3b+yDYBHff/WaMp0gCGUv2qFxM78HLKNblcJkEyO0U2hhljCqVy+NGyolD6H0c"
    "Q5mhWszm7coYYFVcrUYWSo0S5aPsV0V9svD0V2QXQHRCeg5Pdg2bOHch/swY8fbcvErhYEZ2U4M5kY/t2rNHQVbFq+"
    "bv+diqrLdeMdeJKQeeTVlo5T6O+VTuu/4f3H95q5X72B9lviz3euxP8WjsRMbOo+FPFxQXF+QvW5aPXBuFW9cNDLE/"
    "hhih6O3XXnubvoEjX5BGfH0BA8AFXwPoupJEaRb2zbTW10agYmqc7QbjnSildtbmAD0QRc0tNx9TdTpgZ2sEIzU/TG"
    "mZNiQybWA2zZ56ZzvzQDVDy1ehDViMPRbabIOsCbuEAqsZMPezWYcYVILHD2V+C404B3qG+CSj3YXGwJmB63dQ2ke9"
    "X+zUt48Q6Ob63htmk5jy0YI5goTtM9EmpmL7JzwX0e3JAyvZc6ERquiee+XZ9NljnxsKzqdIM2nJuVucdTNvXubo7K"
    "G/f/bANPt7NJX3goIMYf36d+6o2//2+8d0OnAMDR0YERTYtUOv8jcqD/ei8omWTDgg7WPWhimVi9sg/IL7CzU4Gt4A"
    "i8jmIckfkYvfvldZKe0j1RaO+CYYLdx730I9ug5DaC/7UUJUYgq16s44cxfqOrrLVNsMsd9+yOAdNG4xKHNUQyZ8kF"
    "19AY7xhxfOIHf7rynw0Pkd3s37t+4vp1IHNOMgdcc+2zwcL9REd3CDuSSGFIgpphZB1bofMWNRxzwRk3k4HkD/g7Yz"
    "aGMh+cRJ6IfvZFJHCk+eIIXYyiSIZpE3te4XeBNRxumErWXfxoOpPTaG82Q+FN36BYrwbwVZbXpMVvORvI4cgzjzDf"
    "NpSCX7sHV3tLVO2LqblUoHkM3NUOiO5AYgh9KJf8zJl2sWzpjkjuOYO/DNreGf7LgzcKyX7OeI0di+nZ+TL1wyV/IJ"
    "Jjc+wXxBTGkx77FwLXw6chp1qFKsRFvjg1Tj7uAXCdZzTPwWPkjZMZhL7UmPN8TKuu+/mL8pMnLT/C++rxtVNmX6gp"
    "xpU8qybx49/dnO/Bt5Oy+efvfm1E0HX9nU3WPT3oObp+IYIvGE2ypP2xn97QaVZzP13J4YXxnU2B9sVLjRQduo6IcN"
    "ojdOmZ6TM33Kxmh7SrKnbj64d5NH902vHNw09ea7py/uzLuRv/Oz00fp2RFUSvXCRBr1gisVHb0ffVGDGUaVyt2Nvn"
    "B0qT7z/ZSszQ4d1N1enpV0ODWrEn91U9NfiW8JEx+MHzVQJQiqyPhJtq9jOR68yAZ+jfVsDDTOWmcNlX3wQo/QQC0t"
    "Xo+EcjLLfEZcBGksY3aEnBfXSbtQGnXYhqVL3Kmy9gO05tQH6EdZ5cNpQtGKGZx7AX8qIT4+AS6M2Ty827SXIia9OL"
    "BTOWlBo+IAfDnEbBOm/2Pb/OztfYUIci0oxDwPQgJJfS9v8jN490E15x8AKqwXuSl4IkeKUUpuY2zjYbMQ6BW4yrug"
    "QaMLM4Q5hlO/qT56e/zziyAfJ9CjdWdDdTUB5+QPpCryk96veNWh3zGmQKsG0b8fgm7NHtQ6juEixRrxrHK+qtbLyS"
    "Gj3ugumy+ju1rOr7mr9UyLjXaOFFTW7K7p2bNXr0u7a4LmR4bPj6jZVePZ07NXzZ6a/plDB84/OGNFSfKMFcuhC0KC"
    "s4YOnd//4p6aXp4ePfG3cUH40HmBNbv/hb+PlyQnl5Qkz1xOrUl3ug+jh23NBqAfHqbHDyV2cdWqXbVSAokgq8hAOB"
    "dMssCHvAeb8Zo3bCFHwZdkBsN52E9SYH/1iMTPeA9igIvmW58ljsDVF0k53MaVtOU+nWUZb2iQdpk78Q9NHP2kvHGw"
    "RArNyHUDN5RKomKZ3d2UjCP7pP5wmGKf9X5ydtKWYFPkRM5I5s/eFzE27kSPrt+8uig/fuz92ikfpOcejxiecMzH+c"
    "L+nEVjh9/6cvIxsidqZNHx4dHrpeMNen1w4MhxnaVp7xTnvxrkv2j01jc9Pe/69wvpEz3GocPU91dm7DEYcsZuKfc0"
    "r+4ZFzIydYT7uNCRmUj5WWmQMEgVrHhLBledL77P3rkDG+7cUQU/fPiQEwCXX3VLuojcDuZG282PeeOudqehetQ7eS"
    "KywyufjPYHfUjbCZr9kajULyInYlHJ8sXDcvsPXzXkMiGXR61oKvz3VPov8VJh0b/Yt6Sawl2gzs6ePz87mzzetYs8"
    "lr+DWky/6qtbsTh3uY+u1s39t+ozv7p+iA1qlhbWTE1MnILfCpfWTE1K3LMAW7bs2UVas7MX4HeQdu0BFX7Hee+DfO"
    "FXXDuBc+D85ZiwXRSls0ZRaDMVZ4zZFrejQoDpMlxenTFi4LTF0OVP48ZZWw9889O6aVOmHhyX/NbYH7/jI7/gPw8d"
    "Yhi4eKrbZDKsJC72hbyyf7oMGKTTHevZ810qOfu4dWKmqEdrQXOZrl3ZAbj8h99A6lFCnYWvyTWUW2dRf//69fuwqA"
    "pylS/MAnqhBSxTTrV0Gnq+fqf1V6HM/CKU/tesoGhbV3fOmwvl4pjP89T1E3Su9slqlGcv0On7y5YM/mZxRe4pC1mp"
    "0yWMi+939Mi8FP8Yz5xbWX4DPbvUQvDfrK9keNpqkrqasNDQkPUFhYkLNW7jB16vTRhO9gpRYPzbZUZOnJWSUNIV39"
    "tVe5Z/3rxe5XIC16BSSBPiJIL7uudfcvOKBltFgOdi02aPjk2bEzNiaVBgcHBA0LKosk9PS8lpsbGps2Ni08oNgUFL"
    "okYWBgQZPi0rO02zILZcb7f22V5qn+wyvuaHLDMikn2NZB+kNkJq62/Uu8nm9woO1oynK276Q9qLISUPw47F5mchIj"
    "J09KAhmyZPfX3svmMxc4Soit3QKWx8n5AhAYFVHh6lObGFidjjdL5McLLLdbYzTe1znbYh+PHJ6ee+nLA9asSKwc9m"
    "ZC0eMzl1esL40KLo4S9NffO96WKK04IJpaXubkd8fIcNGha5LtAQENDD46DGaeG8USnoDWSLTUK5fIqB1lfHrwEPsv"
    "lzeopB1+YImSyV4z7rzbzCtqMuexMjbyp6zRGYl5Y+Nw0ytHonrXPYzIBpi3SBa6aNyehFJqu6mPPzFi3K4zeYnWMG"
    "dOrS4u42dtK4cYFBxAlHKbUMEtNwt2BVA0opCzvg45P5DqdOnvr6BxCl2sfpKvXjx0JC9/rKU7/Q3Dmv4iOEde1y58"
    "I6ljsHFcnhL6C3gz6x1srJQLByUs9PH2gsKglKD4WQSdqBw/sFDMkMfHZG1667HLv179Nj4mDsvYit7g0WSRo06jCj"
    "QWNw1ZbV3Lz109fmEiGC7xi6P9g8/RWaacmnOTh2XszOYcGuUkSwt1o0BBpR++jhlSuPHp0TjKYvYe/kGTMmT5oxQ7"
    "r3w6lT166dOvWDKf4L4dLyvLxly/LylqOUnkY7VGa1Qx2p+Qng2Sfw++EucUZDVE+0cIe4oim6JupJWRXZTM2Q9YvF"
    "wqVZGtQV0j1HPSwSl5rT8O9CYSfHOaq4wl855fotdl2G67nF4lXEs17P+Nv2uQ4sA0gWiF4oJUoG0JrtazsV6u1jzQ"
    "rSQgK4DfOGZw8bEJqSOOHknIILyQ8scgZQzoLy6cETlqcNNCQHRo+PGkHO9e1z/tTsl5MGRsYFnIE0Sg87OVVnOflx"
    "vZEKNazDECz/KfA1fwNfLz1jB8+1wdcivOgp+C9ITpCP6yzDszknrhedKasJELS2iA7n7WuXjsRrYgfeixTPknN1Xu"
    "5ubz6fV+FGCuLDw+MTwsLjx8Dur6WPWmJZ5u6j3mP75VdU5AfGFYXHU4z41lf5ichd/NehOzvxdGZjasAuv6OhJBRZ"
    "OCgkxdJWcy6fbt5DkyfEaRspE2vN+/hUdPht+SuYRcopB9NJDs3W4Qx96Ay5JZDLUTjLxbCZ+8mcFY8xTj0JX/M38P"
    "V/A39BgbvRjBOD95X7F9Ks+HylHXyNAkfd5v+0g68XljH4cIR/aAd/gcKRV7gqqjh2Uu7FMoUa3d9kC+kFfvydO+tY"
    "zvAh7IApELckY+7cjEKWM8w6ckSsJJ8SEzn+18whnw2iwi3poTobqQhU5CeMUcfyR4y6IEU+E54KX/M38PXt4Nk2+F"
    "pp7lPxX5DSaaURcJy/dEysZ3Ewr+4I+o5g7AjSMZIAlRUkgSRUQCX7gErRgL/HV8BR9sEuQyW1ZQGW46qdKi+Mq5y5"
    "fmwfYgkkdnDBEpYYNKHAy8ldObSQzyPVej45dNWk96q7OcYbVk48Wu3gQH4bM4ZmnPY0p59f9GV8HE2S7bakf7UIco"
    "cMAvFOVH7wtoERxNQ4bFF/8ltay0s0BTU2/nzu+dmWPTRnNm7chUWUzzTfwuYbrvBTL0vNE/A1fwNfLw17KvwFGS5n"
    "Nhh8oCLdF5k0WfN0XThX69mKQU7WCVax4iNZHaQtW8cydcATItUSk/nOb2a+iszMnj2HeTr0bD4DPR1cNWdW+OIpm0"
    "mvp+z2ykGR0XoadRhRNaCCLi9tCZ45Ki/r1u3h68cMyA2PTTKmRidN3rAVUmbMoSei03+49uP3MZ0SxvhGhPoOeyv/"
    "5Inuzzzw6BkbERhl1AevmZ63L2TKtAXZrceoBLMchSodZz6C2YHhXBX3NHje0+Ewoh08wgaPaQcPtvWTYQ9Xe9jwR1"
    "E4Sh/CO3BiEe52Go4eSymH8W1uv3wC686qqTT25/fo4P4lqaLaXJAyd4Wj+aacVTHPKrjx3M66mPivl0JHiDRVObxc"
    "Rg/4LcvfJ49i59zYUP1TW76FP0QP8yuVbAs/pqdn/Lj4caSaPLQd/GelZaWdrVASMGxWJIdmRnBWUbJV5T6yzlbqxL"
    "gWrXC57qnwvKfDkcv28GAbfoYMt9Sy02uK/4fcv6WA4dNTze528DwZbqE1SFfb4DDCMovh6xC+m/Uv42dQuPX0GOXW"
    "gXmmdkEmPYJFmyofIIcyk6CX9L56rbuvuyTsMs4PzS9ZuTh/WdfX8zNt58kB0KF/gs8pssEXDCcgJQeW6MhZ/raHx+"
    "rC7RVvvxaQDNvXEst26ynzbejY1aG+oPS5r/IWl6bIs5KcmKyNU2Ttvo07ejar8QqXrz4Vnvd0OHL5Uzt4hA0ew52y"
    "gwfb+smgcJTZOi5RqhePsEi9s/W8Q6OV0PPjT4OBXKRv8gwNImADuSAmkQuljYidYCmX/MXTNktrn/BW/NS/s7RCku"
    "fYwIJitTrWa1xQ/jK12jxoZBTEQO/M98duyy6LZof384/Hb18oRPX0ePs1/+EeG3r1evu1fiM9zT8nfFFET+7/8Y99"
    "c3aM/2o55XNAwMuzcIbsDJhxJFHhoMzZJ+F5T4cjB7+1gwfb8DMUODtpZfjTlX72MvliGQRr3s/XlmD6f2YQ1Kdoqu"
    "kpKQTbyMG2kTPoyDZPbxx6vDnwDAxyUlGPz2a3elA4t45TIXyEHf5S9ICj0AkPfQI/ksK57y2P2vBJDs3xIzwaY32u"
    "DR8txVmxiMJhL4PL+KyKiu1EPsqOls52Ltp/PuNclMK5y/b42M96aTPkYz8+NnoSVekIH8FdZ/1HPYFf9hf8MJULwk"
    "eLN/6Kb6Nngx09cW30wEiFHlapxfB9FfzODD8ZPZZm7N+PG8Xgqzt4Ww4jXPHXMJLYwiSBZoArUBJYZSawY0Otq8FV"
    "998ywaQKmZixZ8/f5IOh+8XFiy+29nt6TtjmqzIZ4D5nMuBnZ209GPwdTo3waHsfGXm1kXq1T+BHMxmoYzx8Er/sKf"
    "gyz+vt8VE2fpJlBn5kcD+rzNDcNYPv+mv/Nl97g/ildY3a7SIj7WSmRZGZA4yePgzOcs6KzFSx/mPt8bGfPqyfjVKw"
    "vKYMPxrhsQweRSWtXf9lT+lfnu8J+/5JOK2QQ3ic9Czn9QS+F8LHimPgFRu+7HXL9E9j/fuzXe0u3RdkuJDO4KM5pX"
    "pQ7YBenDPLfdKTGkWk5Jx8mEGihzexcqHcxo1yqdzGjfS3VPvJJ59Ut1bQgjkxqbr6xAn04g7iOIdRRr2ekpul5/is"
    "mlbJkB+2y9Hu3w/pkEV2PDVPLt6uzsqqJrU0cYZz9EbCv1Nn41zW0sgG59KXzZ3GQ5+oIhAeY3mW8fAPBpfjISbDlm"
    "VMhmV81CJ+jyzDiK+24f8D4V/LMtyu/24If1eW4Xb9o0zyd1Em/SD6DmfDPozQaqrVEP0ZhY6xrk+7GK9MWMHug2A5"
    "dlb53JZjp1l/uf90KZzKPNePf8xOFqwjRIv/pjLDjeVPMTgbg1Un/qmstUx/PwanlQPfyTIs0w/DFPon0dpEJmPp3G"
    "DE/4fS/yRaL0Dh4k8MHsdZqx8Kkdb/o45ATCFz2uoIbLo4H/tbI3wKz2N/AVZPjK9X4GUMHm+li9Y+svH3sfFl/K1k"
    "Eh8o0yUEMnh8m64z/NUqlSXHvn/hCsNfLRLLO45/wecK+JVcVTv8G4yvBXCQOy7jc2A5gPiN8kkcztvoLgc9ar3veQ"
    "xyNpNcerSwfTPoMLpJ+fg0uUdU5DrfJfPUWWyLNkzwYlUbcls1a2k8DxmlOffIruKcRpUL6Zy054DpPF+auOf1Nl1m"
    "fJH6Mb4EWunD/Tob94u8Yiq146zcopWcbBX9GVcCbavoxCxjnPgug4+ztxS2+HyDtIhZLrn3dJsHOZJ7i+HPQ0uhZd"
    "wax3ej0gbDf2HSgNL5nVLD66hWKaWwGkd9+8IPJ4303T9fYsWxJcEjtr5SSbZAXs4vWxvubiVXl6wH3frlfG8IH5X8"
    "n6/MflJtw5oC8jm5zPqPZtUebM9zUat0WrnaJdSaNVUro4Qbw2nuVHJaMP8iuX0wPU6ldnT18em/cNgwVgMyY8aC6j"
    "lpaFsybxQ+fyd5DTzcajT20Lk4T01UqkH6BxYU2E4QZL8nndmLIDsfV97zTjN7Md5q0+mJA7UXUgrTN3v8OLbnfcr8"
    "pCfxN9GzjCfwqX7GUi9cxmcVt6TDaekq14FZVZ0cZBsEu2Ou3qq22rK98zCU+Am8wHvedDHDduhV2jWwC4kmfvA9VH"
    "UOEit/+vnWz2Jl2+EXD6thHmTAKl6JNGexSFO+80+JNG0hJc2Z+OntK9lZzOlrf+dfEysFE4ZbS8WWW7jlb1yJnVi7"
    "Ui6cgd4v/GvCxPNrwA1GtMxWimvkwLLAFkVOmDp5srWaZmLi1Ank3EBruY3Vo+JkDRE/ZhpisGqI6GWnIZNsdo5TNK"
    "Q/0wSD1Z7Q+hY7ezKJa+udaoihne/A6mGYhkxiejByCsVm9bntaAllvbDqFztaJnNt2MxGi6eZDNhjp+OuMWI614aN"
    "3k0AO5EMVWJn2ZvIRG8olcXUk5n9X5Jq17cV20a3tW89jBGTubbe0Q+nlb0o10u4kwwexuAeJIfWziDlSxh0itXLlz"
    "LVi7D3MKX3D9m5sAfyvJtqFcKnyF6sZOQ87eqGuyl1bfJtYrT4Rq4ffvSIlOCb1RDjtmEiangMInxgX73jqZwwscJX"
    "F3e5hEfvFwm0aLCtjoe+vbxYMU/StMpKaz3PJgsXn+DRExVs2rfxwG1iVT22Ey/mR0hD2RqE20VozI+gsRzCE7k2fN"
    "kuDGN2wR5fjocuMz23x5ftwrC/9C/7wn/tf4HtBG4UXp9kxVd3tUWSo7hrlvvt+t9Ez/ae6F+2I+36x3U+I9Xa+o8G"
    "Web2I7xKTLH1H83LJzOsslq9mMqoKgOWYT8DGJzVI8l+BD0WRXgS8y/kk0KGL95i+APtI1vmO+9g+NPt8NtOFl/AVs"
    "x3prXR7TRpkOzz0loiO02aYYUidg6LIL6BwiewZY86kY1qj09HHaTIb411VMSnWj1D1urJnF21qiPHyefiNJuhdWW7"
    "Dj9UrlEFp3NxvXop9al3PDxH4n7PqjTlqiv7Gk1bfaatNhNHLhWS+Aga50Ei86/WiE1CoSqdVobRe1v1ah2suQ9c5f"
    "nzlTT1ePNme5yOYHA3GgDWWBiKhRObYElDg5yjPCp5CuNV0cxnMcjW28COAo9u7jx70qTZnTerjuzde0QVHT1mTPSW"
    "3bvpftMg3hQ81R5KPaRd0kZtzeRgeyiODzfG0feeN59//k36lggF0PyM/PtNDiARbQiv5BoNtrSXrfwCzpaF+A0K1s"
    "f3Mc7yzy0KHzm6hz64m+Pezp2TE8NozfoByUNIVkVwtJhPKZLyBB2jQzkKigQDI4jnjaIqsLuP34a5M31G+0e6+Xbz"
    "6UO/j5Qm+/Ki15BBHdZu9+jVr5vjsAj89gyd6WnkYi3L79JaGYOgo/yGVXXNr/MBt8m9I3K9OuOkeax4j7wnZ+LpKZ"
    "Z5rFwGS65ZLKbVYpOlACUcvaVWQtfQ/K2QZFksrqTY9LECv5ATP3wmJEFfei2VuFs4y3BWpa8VdOYTEPXDZ5+SK9x/"
    "q3xAOVGuod/O/FFuARyVdHylFXeB+EHrWL6SEOWa8KLdNcHHdM3umtr+mtqn2XaNg6MdOPkaNbgduGaOXrJYaNWcEK"
    "zyRO2byfagmSBHNOweAEsTwocxOH6CM/Z0GaV6g3znEvLL2SDwenK4oTYNueAJKWQ/HU2R/Lb7w2/BZETBraCB7IcU"
    "dteLio+zv4O8GSb/5/IcWGXDsOsDNM46QQO1abUN1i7Ak64z0iKuZjidrdTIn6KW0YSeukKaB617JLcUEjE+xpY5di"
    "2RAusnTP65dg60sD9tw5GbpBxmYUukXIxmlHe20g72M5AbWidia/iXMdmcdOxT7DSn9ueD+H5yOPqIDODCLIOEM/Jd"
    "LKBslvSQCBJhDOhwcz1ObgB68GRVU+slMZBWaRiUFs5tLayt7Fsqrelfaw9kcBNZBcVN8Dn2A3rYKjxEa0ftRSitwD"
    "G0r0HR90ccjP5Xjh69KiQ0LNxgWDVm9EpUXr5lzMoQQ1h4SGjp6DGrDIZweoljPQ4Xo8WjbFWDNEEQBHrBC4YLOSRW"
    "vp+e79T2ZIDyticD8Oxe+2PsmlJJD1YM/pAVT8YVKK56loKrcM36lh5S5JbDf21I3yj3R3kV/4ywDr2ughvYDX1iRu"
    "dE5b44Wm1Iq+rG/qUyp+2pGf/laRrC3zxNo+N5+riMmLi4mKraKx9XfXe1+azy/IwY5XkasIY+XkOjPGyjSnn4xlOe"
    "rsEPsD5So8L6kI3H/6Pqava2IlRYm+AGQ+fm8CubmxvXG6PkAajlURgVT/3L/BwVsqWng2VsBvXxRqi3nyOdMC9/Dw"
    "v1sV3vOv2JuZr7PG3yW+ITiAXyamvJxlo+mU7+AuRduUI2XoXvNiXEb4mznzt5of3UbBB7bpAXvv8elrZ8zZghXw9W"
    "GqDk9RFT4I58hxUtw+7zDriRGwjLJxtQJvCqkMpOguYy32IuyLkmhIt1LPJgkLbrfBOz5Ha90gcwwJ1yVDQ32q3SWp"
    "jLes1krTJhWbteZbhehtPrSq81pLvkwA1mOqTzlXQgOXyFod7bX/FepHtrK6+jT2Lg1vEbWAUN90QBn61wD7FOI9YR"
    "GctZrq85zcpr2hXVcEAyLA18E6tK5NBpMXz0o3DwR09VV9TKAfxeob9E9zVaTxYkGIQgWjOkc9WFacPg099/d2pet+"
    "4/pFDqSU7yKnPLy+XlFfTMpQ592Q7YY7D1zmm9zmiQk7/4JbztLmqVWqvWymWA+EX2dKQOz9YsJC1k99i6pFTAf1VJ"
    "pfEwB1QLa56d8NHskvcDeI9E4szTS+9MI7Uh7y6f/cFkere19OcZB6+ent7dzjwEnt5SnDCu6Pkzjj4+Xb00Z5YuHT"
    "eO8jeNe181VJzAatvDwF2NttNdnQbrtp4T17QWntvKD95If9w7t5VatI242/eVrrGabAOo9WjT1XrB1YoiXSMFW8+1"
    "LhHXnqN3JOZj3+PlvpHheiNaY71RNZ7hFIprsPMvNtIftHPs2/IY+2Z3E+IyG90xIjK6C69ZMdSMprWtSxgljG7adz"
    "cr3XqjPIZCvRB1biuso21NJ2yzOLeVFLD+5NlsYCNeY6vJZmN0BzayPKe1W+wavIhze37LOdNZCmIDDDq3hVaB8l2k"
    "er7ZWtvIHqDANzey6sObUr2ow7hv0P9VI+/8/6qgn/f+cwu2dZI6ONAK+rnytY6qdtX18jVRZ19dnzBqkMjT6nryPg"
    "OLvCoybrKCIQ2hZp6rszyU6qUu8l3Lzu5qg6uWSoSgN6KIG7V1grtpx9Y7ZNYRfrzpN9POFxuh4qi5QqiH4OJjd67d"
    "JTUllXevWSsvxQq5osqXnr7L5bVSPX0ChalEKKV/m5qa+HOXLv0PjL8DCU+2MtJdnD2VwrftwRWlTU3CsQek8g45+j"
    "+XkF6VRVBpJV9aQ+XeEVRCV8HBpPJ+/CPX/pqzFlQqD9N9yQcvtV2heyvdlfElN73PuwiOpnume7T9Qouo2iB50z3V"
    "ydHJx1t0cuRFb5+FlyALXoesS5fIDjKT7IDhUA5Z33yDv2aRHd98gy1XWx6p3pS+lO8XoRbWuSM4r+anVn3CJ5KeVa"
    "Q76fGxsIWPMJ8nr5q/oE4aP4DKo4E7J02VOsn3X9OlN3LOcrCi5kAlC0hYqBEDDr1LH01XB+j++5A13m5aspwcd4+J"
    "7dq7f2h0P37TsCUuUA1usV06OviTILPJR9Vt/W59Xz0tY+X+sDRJe1HmR8pjuLPjRhxAJbixv0Fq9osNphLYXzqk0c"
    "mZl78hvnJISf+KzZ0cNU6emm49HN3+/fmEzV16eYtuPbr0cFmy4vAP3nE+oqGz5PH1z0v7dHRyduzm3rGrU0/vTuFJ"
    "m75+Rrrm6NjD4KFx9XD/ifxx7neXLu7d3bq49HJ06rHn3z+S9eF9e0aO93LoC0OgE/R+RdfJoUcPT00Xx14Vuz76+h"
    "mMQLLFJvKdta4VI5CT4PGmXNbKm85KnGWQ9NAaE8m19SaluF56SIvr5R4sCQyLVcYSA3iQhs+lh6QZAaYDeDVZamb3"
    "kthHbWH2gVsYxm2ym0P4AYI6oKd3nw181lTfMfpBrnpHXz394Rcteel4scfgEJXkImWu7P6M3qHb4AgVfi91oyNV4k"
    "y2KXQ468B88dznpIGSAR3wKkbJlkK8Snc3rTONpM3pEHqDhskU57XXnsARaCQtmNMZxg2MozuUl8szOopY4xGLVuG2"
    "i6NNRze7psTFpbhudjy8ffth6WHk4MGRpWvWII8KJI6ss/LIVWsuACfSJFH+8ab92F+zjcvIQUHLPG3KxfdsvIQOOP"
    "r/ApwRzYt4nGNgZGBg7Gf2Y9BmqGDgYQDykAAHAwsAJiIBnwAAAAAAAAAAAAAZAC0AaQC6AQcBVgFkAYEBngHEAd0B"
    "7gH8AgoCGAJIAmECjQLKAukDGgNZA20DtwP1BAoEIgQ3BEoEXgSWBQwFKgVhBY8FvAXWBe0GIQY7BkkGYgZ+Bo8Grg"
    "bHBvcHHAdRB4MHwwfXB/oIDwgxCFIIagiCCJUIpAi3CM0I2gjqCSUJVgmDCbQJ5woICkkKcgqHCqQKwArOCwgLMAte"
    "C48LwAvgDB4MQQxrDIAMnwy+DN4M9g0oDTYNaA2YDZgNsg3xDh4OaA6XDqwPCQ8bD4oPyQ/pD/kQBxB+EIsQuhDaEQ"
    "MRPRFMEX8RmhGoEckR3xINEi8SPxJPEl8SlxKjEq8SuxLHEtMTDhM4E0QTUBNcE2gTdBOAE4wTmBOkE9sT5xPzE/8U"
    "CxQXFCMURRSPFJsUpxSzFL8UyxTzFTwVSBVUFWAVbBV4FYQV4xXvFfsWBxYTFh8WKxY3FkMWTxaWFqIWrha6FsYW0h"
    "beFvoXQxdPF1sXZxdzF38XsBe8F8gX1BfgF+wX+BgEGBAYHBgoGDQYQBhMGFgYZBhwGHwYhBi+GMoY1hjiGO4Y+hkG"
    "GRIZHhkqGTYZQhlOGVoZZhlyGX4ZihmWGaIZrhnWGggaFBogGiwaOBpEGlAaWxpmGnIagBqMGpgapBqwGrwayBrkGv"
    "Aa/BsIGxQbIBssGzgbRBtiG3wbiBuTG58bqxu3G8Mbzxv/HDgcRBxQHFwcaBx0HIAcuR0NHRkdJB0wHTwdSB1THV8d"
    "ah12HYEdjR2YHaQdsB28Hccd0x3fHf0eLB44HkQeUB5cHmgedB6AHowemB6kHrAevB7IHtQe4B7sHvgfBB8PHxsfJx"
    "8zHz4fWh9wH3gfih+eH7gf3h/+IC0gQyBRIFogaCB2IIQgjCCaIKggtiDDIM8g2yDtIP4hDyEhIT4hWyF4IZQhrSHR"
    "IfoiCSIXIi0iSyJTIsEjRiNVI2EjcSOAI4wjnCOuI8Ej1SPiI/4kTCRjJHokkSSoJMok7CT5JVMldyWSJasluSXGJd"
    "kl9iYSJkQmqSa3Jsom2ScOJx0nLydCJ1wnaieBAAEAAAACXrjGvfg0Xw889QAfCAAAAAAA4DCcVwAAAADgMJxX93L8"
    "rg/NCWcAAQAIAAIAAAAAAAB4nI2UT0hUURjFz/tz37wMcpcNFhYGKhoRQ9SmRbOSihYuBglpITJYMBakuLCQIUTCXA"
    "yzF5FBRESGwVUMwjC4qBCJqSBCWoi4sUURETb2Ot9978k0KcXjx7n/77vnu9+115E0XwLWvNFid6LsrGBKZTDr2og7"
    "exgzH6FsLSBPcvZFdLD/g9WAlNWDB9Q35i7A8f1kh8yRZ6SPzJDxoP6E3Ldi2CZpWSPEzmHaBSadS2hwoiiqT0g6Oe"
    "qoj5NhvYCiuSd4006M7RwX+c4+tjv8f7Xpq9PBvjKyaoRrjbONa7oVXHM60aZee7tqHX1yFvln6hT337ABkLsqiV71"
    "Akv2qtY+lUKvNcZ5Ui5gyVwVvKLq8ctuAovSrsb9eTLO+sr5ZZ6zgmb2zaoraIkMoFt1oIXlqL0gaxkwdw1bVM4fek"
    "9/lrVPTbhBjcoY/tcJsubCaLaf0s9OzGj/6b1uYx8p6LY0Y5LGHRtGSm1xrSakJT6sO2wf4/wRzi+53RgIGBTvte+H"
    "4C4zroxFGIcQxuGkHwtY5Dr3PhfG4S9WeMZ1XNCxqEHHYodaom/i+yG4/ejVsUj9CWPwLojFNrVV+x/GoQ7xhXpbx6"
    "IWxkLHjCpnlf3qVc6u9z9C9R1lzOX8+o6IP/KP/1C5z3reUUovVcH7HHlFr3owT4/P8pzaa+p5ahe1UcdAfAhUfeO8"
    "x1L3puWe6jzhXdVEgzG+ZkSt937dHqa2ejnzh/fR3xtL9RrZxD1HPJY2yTfxtk6PJZB0S6wzByUPAs2EdclLyY0jlT"
    "mr86ZO9X1hzP5XJd91zskdkzgHea9zr04lv8Ur5kmaeTQZkCdbzJsENUdKwP5NoDpBfUv69dtHmKdD7B9yffiO6JwF"
    "16vImiQrquKokCLJinLMZRJTZ4w2wVzku5nAHNeY43uQPz6BeOMpxM3TaLeyaFcNaK8t873bsG5hhpSMxK9B5vdVlf"
    "HkPR1gzj2njgQq9ana9/aANjgH/MTDSBcmODbGvi88Y6q6RnLVQnWSX35/tDr7G/m8rRUAAAB4nGNgZGBgz/0ny8Ag"
    "oPi96KcR/1kGoAgyYGwDAIAiBboAAAB4nGNgZJnKtIeBlYGB1Zh1JgMDoxyEZr7OkMYkxMDAxM3BzMzGwsTE0sDAwM"
    "7A8CCJAQoC0lxTGBQYFNTF2UT+iTDOYs9lfAwUngySAwDlGAwCAAB4nGNgYGBiYGBgBmIRIMkIplkYFgBpFQYFIIuF"
    "oY6xXkFdwUphjeJUJSElD6UEpVTVTap7VI+pnldjVRdWF///H6hagWGBgoCCAVDVBKiqFHRV/x/+P/DQ9qHpg2P3H9"
    "9Pv290X/q+xO0ztw/f3nV70+3aWwW3csH2EwQA7pcukXiclY/LSgMxFIa/2Hp9AHElWSqolBZ07QXBjQuVLtxN20Fb"
    "dKZ0asEX8Ln9jNNBBUEJyfmT819OgHXuaRHamxA6UOPAtrdPvMJGuKxxixiua9z+glfZCUWN19gNb5xTMuWVGWMeeG"
    "ROZI8h+9YuHVdPNJAROZMzp3LPyMl45sDXKwr5R6JTnlyRm8arSrfcmqtZeI5kbv0h9bhJvTNpYdZETSH7Y45Mzf8S"
    "L0QTdX1eZAzlZsktT4os/SjqUnhO5Qz0HcuL6kvTs9T76XObXConKuWPfunGpt9PU1V6lSmp62w9Tr7plqrDpeods7"
    "FKonicY2BmAIP/NxiiGLAAADMvAjUAAAAAAgAIAAL//wADAAEAAAAMAAAAAAAAAAIAAwABAT8AAQFNAW8AAQFyAYQA"
    "AQAAAAEAAAAKABwAHgABREZMVAAIAAQAAAAA//8AAAAAAAB4nD2OsQ1CMRBDjURFzQAMg6goWcBBIYfyc5GOUEB9Ey"
    "D2/VwaXDxZlmUZGwA7fPDF/ng6X/CmMcFpTeHJeIdfqY+gZAu+bIGX3MMXyxUu1OhITpFUKuEL+2FyxELjELjWmfTC"
    "BrenRnPctARl7mMbH7Cu+OsHt6ktqgAA"
)
