"""What people say in synthetic spoken-dialogue sessions: the text the TTS voices render.

Every generator takes a split ("train", "dev" or "test") and returns a deterministic, duplicate-free list.
Templates and slot vocabularies are both partitioned by list position (``index % 5``: 0-2 train, 3 dev,
4 test), so dev and test sentences use phrasings *and* content words that training never saw, and the
three splits are disjoint. The text is plain speakable English for espeak-ng and piper: words, commas,
periods and question marks, numbers written as words; "..." only ever ends the first part of a paused turn.
User speech is written like a transcript (lower-case start); assistant replies and broadcast speech
are written as prose.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from itertools import product
from typing import TypeVar

_T = TypeVar("_T")

SPLITS = ("train", "dev", "test")
_BUCKETS = ("train", "train", "train", "dev", "test")  # split of list item i is _BUCKETS[i % 5]

# ---------------------------------------------------------------------------------------------------------------
# Slot vocabularies. Each list is partitioned by position, so keep related items spread out.
# ---------------------------------------------------------------------------------------------------------------

_VOCAB: dict[str, tuple[str, ...]] = {
    "place": (
        "Paris", "Tokyo", "Lisbon", "Chicago", "Cairo", "Sydney", "Toronto", "Mexico City", "Berlin", "Nairobi",
        "Seoul", "Buenos Aires", "Dublin", "Mumbai", "Vancouver", "Istanbul", "Oslo", "Lima", "Bangkok",
        "Edinburgh", "Rome", "Cape Town", "Boston", "Vienna", "Hanoi", "Madrid", "Reykjavik", "Denver", "Prague",
        "Singapore", "Athens", "Montreal", "Amsterdam", "Marrakesh", "Seattle", "Copenhagen", "Kyoto", "Santiago",
        "Budapest", "Auckland",
    ),
    "food": (
        "lasagna", "banana bread", "fried rice", "pancakes", "chicken curry", "mushroom risotto", "lentil soup",
        "guacamole", "beef stew", "pad thai", "apple pie", "hummus", "French toast", "chocolate chip cookies",
        "shepherd's pie", "tomato soup", "fish tacos", "carrot cake", "mac and cheese", "chili", "sourdough bread",
        "spaghetti carbonara", "potato salad", "miso soup", "roast chicken", "falafel", "pumpkin pie",
        "scrambled eggs", "paella", "ramen", "quiche", "brownies", "ratatouille", "pesto pasta", "coleslaw",
        "chicken noodle soup", "pulled pork", "lemon cake", "veggie burgers", "dumplings",
    ),
    "topic": (
        "black holes", "photosynthesis", "the stock market", "volcanoes", "the immune system", "chess openings",
        "the Roman Empire", "climate change", "electric cars", "quantum computing", "the French Revolution",
        "honeybees", "plate tectonics", "machine learning", "the Olympics", "coral reefs", "the human brain",
        "solar panels", "ancient Egypt", "the Moon landing", "vaccines", "origami", "the Internet", "dinosaurs",
        "the printing press", "octopuses", "inflation", "sleep", "the Silk Road", "rainbows", "bitcoin",
        "the Renaissance", "tides", "birdsong", "the Great Wall", "nuclear power", "penguins",
        "the Northern Lights", "DNA", "earthquakes",
    ),
    "person": (
        "Anna", "Ben", "Carlos", "Diana", "Ethan", "Fatima", "George", "Hannah", "Ivan", "Julia", "Kevin", "Laura",
        "Marco", "Nina", "Oliver", "Priya", "Quentin", "Rachel", "Sam", "Tara", "Umar", "Vanessa", "Will",
        "Xavier", "Yuki", "Zoe", "Aaron", "Bella", "Chris", "Daniel", "Elena", "Felix", "Grace", "Henry", "Isla",
        "Jack", "Kira", "Leo", "Maya", "Noah",
    ),
    "room": (
        "kitchen", "living room", "bedroom", "bathroom", "hallway", "garage", "office", "dining room", "kids' room",
        "basement", "attic", "guest room", "laundry room", "sunroom", "study", "nursery", "den", "playroom",
        "spare room", "front room",
    ),
    "time": (
        "tomorrow morning", "this afternoon", "Friday", "next Tuesday", "tonight", "this weekend", "Monday morning",
        "next week", "tomorrow evening", "Thursday afternoon", "the day after tomorrow", "Saturday",
        "Sunday night", "next Wednesday", "later today", "this evening", "Friday afternoon", "tomorrow at noon",
        "next Monday", "Saturday morning",
    ),
    "genre": (
        "jazz", "classical music", "nineties hip hop", "country", "reggae", "lo-fi beats", "bossa nova",
        "eighties pop", "blues", "folk music", "piano music", "heavy metal", "soul", "salsa", "ambient music",
        "punk rock", "disco", "gospel", "bluegrass", "funk",
    ),
    "thing": (
        "cast iron pan", "laptop screen", "coffee machine", "bike chain", "leather sofa", "suede shoes",
        "wooden table", "kettle", "oven", "dishwasher", "washing machine", "car windscreen", "fish tank",
        "barbecue grill", "yoga mat", "shower head", "microwave", "fridge", "running shoes", "wool sweater",
    ),
    "addressee": (
        "honey", "sweetie", "mom", "dad", "buddy", "kids", "Tom", "Lucy", "grandma", "grandpa", "darling",
        "sweetheart", "guys", "Emma", "Josh", "kiddo", "Mike", "Sophie", "Jamie", "Katie",
    ),
    "item": (
        "keys", "glasses", "phone charger", "blue scarf", "wallet", "headphones", "umbrella", "library book",
        "car keys", "sunglasses", "water bottle", "lunch box", "gym bag", "laptop", "black jacket",
        "reading glasses", "tape measure", "scissors", "hairbrush", "notebook", "bike helmet", "house keys",
        "green hoodie", "work badge", "travel mug", "garden gloves", "tablet", "winter coat", "purse", "backpack",
    ),
    "team": (
        "the Rovers", "the Eagles", "United", "the Falcons", "the Tigers", "the Wolves", "the Sharks", "the Rangers",
        "the Hornets", "the Pirates", "the Bulldogs", "the Comets", "the Panthers", "the Mariners", "the Lions",
        "the Owls", "the Foxes", "the Stallions", "the Dolphins", "the Bears",
    ),
    "player": (
        "Martinez", "Okafor", "Lindqvist", "Brennan", "Takahashi", "Moreau", "Kowalski", "Adeyemi", "Fischer",
        "Silva", "Novak", "Haddad", "Jensen", "Rossi", "Mensah", "Duarte", "Ivanova", "Park", "Murphy", "Costa",
    ),
    "product": (
        "Sunny Oats cereal", "Breeze laundry powder", "Zesto sparkling water", "Crunchy Paws dog biscuits",
        "Polar Fresh toothpaste", "Golden Crust bread", "Maple Hill yogurt", "Swift Clean dish soap",
        "Nova coffee pods", "Bright Day orange juice", "Cloud Soft tissues", "Harvest Gold olive oil",
        "Silver Spoon honey", "Peak Energy bars", "Green Leaf tea", "Ocean Mist shampoo", "Cosy Nights candles",
        "Little Chef pasta sauce", "Fresh Step cat litter", "Blue Ridge coffee",
    ),
}

# ---------------------------------------------------------------------------------------------------------------
# Requests to the assistant, grouped by slot; each group is partitioned on its own (groups of 5 or 10).
# ---------------------------------------------------------------------------------------------------------------

_TURNS: dict[str, tuple[str, ...]] = {
    "place": (
        "what's the weather like in {place} today?", "how far is {place} from here by plane?",
        "what time is it in {place} right now?", "tell me something interesting about {place}.",
        "when is the best time of year to visit {place}?", "what language do most people speak in {place}?",
        "find me a cheap flight to {place} next month.", "what should I pack for a week in {place}?",
        "is it going to rain in {place} this weekend?", "what are the must see sights in {place}?",
    ),
    "food": (
        "give me a quick recipe for {food}.", "what goes well with {food}?",
        "how long will {food} keep in the fridge?", "how many calories are in a portion of {food}?",
        "what wine goes nicely with {food}?", "add everything I need for {food} to my shopping list.",
        "where can I get good {food} around here?", "how do I make {food} without an oven?",
        "I want to cook {food} tonight, what do I need?", "can you find a vegetarian version of {food}?",
    ),
    "topic": (
        "tell me a fun fact about {topic}.", "give me a short summary of {topic}.",
        "how would you explain {topic} to a child?", "recommend a good book about {topic}.",
        "what are the basics of {topic}?", "I want to learn about {topic}, where should I start?",
        "what's the most surprising thing about {topic}?", "can you quiz me on {topic}?",
        "what do experts still disagree about when it comes to {topic}?",
        "find me a short documentary about {topic}.",
    ),
    "person": (
        "call {person} on speaker.", "send {person} a message saying I'm running late.",
        "when is {person}'s birthday?", "what's {person}'s phone number?", "set up a meeting with {person} next week.",
        "did {person} reply to my last email?", "share my location with {person}.",
        "remind me to thank {person} tomorrow.", "read me the last message from {person}.",
        "add {person} to the dinner invitation.",
    ),
    "room": (
        "turn off the lights in the {room}.", "dim the {room} lights a little.", "is the {room} window still open?",
        "set the {room} to twenty degrees.", "play some music in the {room}.",
        "how warm is it in the {room} right now?", "close the blinds in the {room}.",
        "turn the {room} speaker down a bit.", "switch on the fan in the {room}.",
        "are any lights still on in the {room}?",
    ),
    "time": (
        "what's on my calendar {time}?", "am I free {time}?", "move my dentist appointment to {time}.",
        "do I have any meetings {time}?", "remind me to water the plants {time}.",
    ),
    "genre": (
        "play some {genre} while I cook.", "put on a playlist of {genre}.",
        "find me a radio station that plays {genre}.", "play {genre} quietly in the background.",
        "what's a good {genre} album to start with?",
    ),
    "thing": (
        "how do I clean my {thing} properly?", "how often should I clean my {thing}?",
        "what's the best way to look after my {thing}?", "is it safe to use vinegar on my {thing}?",
        "how do I get a stain off my {thing}?",
    ),
    "plain": (
        "what time is it right now?", "how are you doing today?", "what's the date today?",
        "tell me a joke about cats.", "can you read me the news headlines?", "what's a good movie to watch tonight?",
        "how do I say thank you in Japanese?", "set my alarm for seven tomorrow morning.",
        "what's the capital of Australia?", "how many ounces are in a pound?",
        "give me an idea for a quick workout.", "what should I get my sister for her birthday?",
        "can you help me write a short poem?", "how tall is Mount Everest?", "what were the football scores today?",
        "turn the volume up a little.", "what's a good name for a goldfish?", "why is the sky blue?",
        "how do plants know which way is up?", "what's the difference between a frog and a toad?",
        "spell the word necessary for me.", "how long does it take to boil an egg?",
        "what's another word for happy?", "can you recommend a podcast about history?",
        "what's twelve times fourteen?", "tell me a short bedtime story.", "how many days until Christmas?",
        "what's the best way to fall asleep faster?", "who wrote Pride and Prejudice?",
        "what does the word serendipity mean?",
    ),
}

# Paused turns: (lead, preposition, rest, conjunction, follow-up). ``rest`` starts with the slot, so a
# self-correction can name a wrong value first; "lead prep rest" is the whole request.
_Frame = tuple[str, str, str, str, str]
_PAUSE_FRAMES: dict[str, tuple[_Frame, ...]] = {
    "place": (
        ("what's the weather going to be like", "in", "{place} this weekend?", "and", "should I pack an umbrella?"),
        ("how long is the flight from here", "to", "{place} usually?", "because", "I'm thinking of going soon."),
        ("find me a nice hotel", "in", "{place} for three nights.", "but", "nothing too expensive please."),
        ("what are the best things to do", "in", "{place} with kids?", "or", "is it more of a grown up trip?"),
        ("can you tell me a bit", "about", "{place} and its history?", "because", "we're going there in June."),
    ),
    "food": (
        ("can you find me a recipe", "for", "{food} that's quick to make?", "and", "add the ingredients to my list."),
        ("what's a good side dish to serve", "with", "{food} tonight?", "because", "we have guests coming over."),
        ("how many calories are there", "in", "{food} roughly?", "because", "I'm trying to eat a bit lighter."),
        ("I want to make", "some", "{food} for dinner tonight.", "but", "I only have about forty minutes."),
        ("what wine would go nicely", "with", "{food} this evening?", "or", "should I just get some beer?"),
    ),
    "topic": (
        ("I'd like to hear a little", "about", "{topic} before bed.", "but", "keep it short please."),
        ("can you give me a quick summary", "of", "{topic} for beginners?", "because", "I have a quiz tomorrow."),
        ("what's the most surprising fact", "about", "{topic} that you know?", "and", "where does it come from?"),
        ("recommend a good documentary", "on", "{topic} for tonight.", "and", "tell me how long it is."),
        ("let's do a short quiz", "on", "{topic} now.", "and", "keep score for me please."),
    ),
    "person": (
        ("send a quick message", "to", "{person} saying I'll be late.", "and", "ask if they need anything."),
        ("set up a call", "with", "{person} for tomorrow afternoon.", "but", "not before two o'clock."),
        ("remind me to buy a birthday present", "for", "{person} this week.", "because", "I keep forgetting."),
        ("what was the last email", "from", "{person} about?", "and", "did I ever reply to it?"),
        ("share my location", "with", "{person} until I get home.", "because", "I'm walking back late."),
    ),
    "room": (
        ("turn off all the lights", "in the", "{room} please.", "and", "lock the front door too."),
        ("how warm is it right now", "in the", "{room}?", "because", "it feels a bit chilly."),
        ("play some quiet music", "in the", "{room} for an hour.", "but", "keep the volume low."),
        ("is the window still open", "in the", "{room}?", "or", "did someone close it?"),
        ("set the thermostat", "in the", "{room} to twenty degrees.", "and", "turn on the fan as well."),
    ),
    "time": (
        ("what's on my calendar", "for", "{time}?", "because", "I might need to travel."),
        ("book a table for two", "for", "{time} somewhere nice.", "and", "send me the details."),
        ("move my dentist appointment", "to", "{time} if possible.", "or", "whenever they have a free slot."),
        ("do I have anything planned", "for", "{time}?", "or", "is my day clear?"),
        ("set a reminder to call the bank", "for", "{time}.", "and", "make it a loud one."),
    ),
}
_OPENERS = ("okay", "hey", "alright", "right", "hmm, okay")
_PAUSE_STYLES_PER_ITEM = 2  # of the seven ways to break a request, each (frame, value) gets this many

# ---------------------------------------------------------------------------------------------------------------
# Interruptions, side remarks, background speech, replies, time cues, backchannels.
# ---------------------------------------------------------------------------------------------------------------

_INTERRUPTIONS: dict[str, tuple[str, ...]] = {
    "topic": (
        "no no, tell me about {topic} instead.", "wait, I asked about {topic}.", "stop, let's talk about {topic}.",
        "hold on, what about {topic}?", "sorry, I meant {topic}, not that.",
        "actually, skip that and explain {topic}.", "no, go back to {topic}.",
        "wait, how is this about {topic}?", "okay stop, just tell me about {topic}.",
        "hang on, I wanted to hear about {topic}.",
    ),
    "place": (
        "wait, I said {place}, not there.", "no no, I meant {place}.", "stop, what about the weather in {place}?",
        "hold on, I'm flying to {place}, not there.", "sorry, I was asking about {place}.",
        "no, tell me about {place} instead.", "wait, how far away is {place}?",
        "actually, let's look at {place} instead.", "stop there, what's on in {place} this week?",
        "hang on, go back to {place}.",
    ),
    "food": (
        "no wait, the recipe for {food}.", "hold on, I wanted {food} instead.", "stop, I said {food}.",
        "sorry, not that, I meant {food}.", "actually, let's make {food} instead.",
    ),
    "person": (
        "no, call {person} instead.", "wait, not them, I meant {person}.", "stop, send it to {person}.",
        "hold on, that message is for {person}.", "sorry, I said {person}, not that.",
    ),
    "plain": (
        "wait, stop, I meant the other one.", "okay, that's enough, thanks.", "hold on, go back a bit.",
        "stop, just give me the short version.", "sorry, can you repeat the last part?",
        "no, that's not what I asked.", "wait wait, skip to the end.", "actually, forget that, next question.",
        "stop, that's wrong.", "hang on, say that again more slowly.", "no no no, the first one.",
        "okay okay, I get it.", "wait, what was that last number?", "sorry, let me stop you there.",
        "hold on, I have a different question.", "stop talking for a moment please.",
        "no, I meant tomorrow, not today.", "wait, can you make it shorter?", "okay, skip the details please.",
        "actually, let's do something else.", "hang on, that's not right.", "stop, I already know that part.",
        "no, the other way around.", "wait, go back to the beginning.", "sorry, I meant the cheaper option.",
        "hold on, let me ask something else.", "enough, just the answer please.", "wait, that's too loud.",
        "no, I said the blue one.", "stop, start over please.",
    ),
}

_SIDE_REMARKS: dict[str, tuple[str, ...]] = {
    "addressee": (
        "I'll be there in a minute, {addressee}.", "{addressee}, can you close the door please?",
        "dinner's almost ready, {addressee}.", "{addressee}, did you feed the dog?",
        "not now, {addressee}, I'm busy.", "{addressee}, have you done your homework?",
        "thanks, {addressee}, just put it over there.", "{addressee}, can you turn the TV down?",
        "I'm on the phone, {addressee}, give me a moment.", "{addressee}, where did you put the scissors?",
        "just a moment, {addressee}, I'm nearly done.", "{addressee}, shoes off before you come in.",
        "see you later, {addressee}, drive safe.", "{addressee}, is the kettle on?",
        "can you grab the mail, {addressee}?", "{addressee}, we're leaving in five minutes.",
        "yes, {addressee}, you can have one cookie.", "{addressee}, who was that at the door?",
        "hang on, {addressee}, I can't hear you.", "{addressee}, could you let the cat out?",
    ),
    "item": (
        "{addressee}, have you seen my {item}?", "can you bring me my {item}, {addressee}?",
        "don't forget your {item}, {addressee}.", "{addressee}, I left your {item} by the door.",
        "where did you put my {item}, {addressee}?", "{addressee}, grab my {item} on your way down.",
        "I can't find my {item} anywhere, {addressee}.", "{addressee}, pass me my {item} please.",
        "did you borrow my {item} again, {addressee}?", "{addressee}, put your {item} away please.",
    ),
    "room": (
        "{addressee}, can you turn off the {room} light?", "I'm in the {room}, {addressee}.",
        "{addressee}, is someone in the {room}?", "could you tidy the {room} later, {addressee}?",
        "{addressee}, the {room} door is stuck again.",
    ),
    "plain": (
        "can you close the door please?", "hold on, I'm talking to the computer.", "who left the milk out?",
        "is anyone else hungry?", "sorry, what did you say?", "come and look at this.", "stop fighting, you two.",
        "the pizza guy is here.", "turn that down please, I'm working.", "does anyone want tea?",
        "I'll do the dishes later.", "what time are your friends coming over?", "go and brush your teeth.",
        "did somebody call me?", "the dog needs a walk.", "just leave it on the table.",
        "who wants to set the table?", "can someone answer the phone?", "we need more bread.",
        "be careful, the stove is hot.", "grab your coat, we're going.", "has anyone seen the remote?",
        "keep it down, the baby's asleep.", "your mother's on the phone.", "I'm coming, I'm coming.",
    ),
}
_SIDE_REMARK_SAMPLES = 8  # two-slot side remarks: at most this many per template

_BACKGROUND: dict[str, tuple[str, ...]] = {
    "news": (
        "Officials in {place} say the new bridge will open to traffic next spring.",
        "Thousands gathered in {place} tonight for the annual lantern festival.",
        "Flights out of {place} remain delayed after this morning's storm.",
        "Police in {place} are asking drivers to avoid the city centre this evening.",
        "The mayor of {place} has announced a plan to plant ten thousand trees.",
        "Researchers in {place} have developed a cheaper way to recycle plastic.",
        "Rail workers in {place} will strike again on Thursday, the union confirmed.",
        "A rare painting went on display in {place} for the first time in a century.",
        "Schools in {place} will reopen on Monday after the heatwave.",
        "Tourism in {place} is up nearly twenty percent compared to last year.",
    ),
    "weather": (
        "Tonight in {place}, expect clear skies and a low of around twelve degrees.",
        "Heavy rain is moving toward {place}, so take an umbrella tomorrow.",
        "It's a sunny start in {place}, with highs in the mid twenties.",
        "Strong winds are expected around {place} through the weekend.",
        "Fog in {place} should lift by mid morning, then a mild afternoon.",
    ),
    "sports": (
        "{player} races down the wing and whips in a cross for {team}.",
        "And {team} take the lead, what a finish from {player}.",
        "{player} steps up to take the penalty for {team}.",
        "That's a yellow card for {player}, and {team} are not happy.",
        "{team} have won four in a row, and {player} has scored in every game.",
        "Here's {player} again, looking for a gap in the defence.",
        "A huge save, {player} keeps {team} in this match.",
        "{team} make a change, {player} is coming off to a big round of applause.",
        "Into the final minute now, {team} still need one more goal.",
        "{player} shoots from a long way out, and it's just wide of the post.",
    ),
    "ads": (
        "Try {product} today, now with a brand new recipe.",
        "Right now, get two packs of {product} for the price of one.",
        "Ask for {product} at your local store.",
        "Nothing starts the morning better than {product}.",
        "{product}, because you deserve a little treat.",
        "Hurry, this offer on {product} ends on Sunday.",
        "Families everywhere are switching to {product}, find out why.",
        "New {product}, now in a bigger pack for the same price.",
        "Nine out of ten customers recommend {product} to their friends.",
        "Don't settle for less, choose {product} every time.",
    ),
    "plain": (
        "Welcome back to the show, my next guest needs no introduction.",
        "That was the latest single from the band, and it's climbing the charts fast.",
        "Traffic is heavy on the main road into town, so leave a little extra time.",
        "Stay tuned, after the break we'll be talking about your summer holiday plans.",
        "You're listening to the morning show, it's just gone half past seven.",
        "Coming up next, the ten biggest songs of the week.",
        "Call in now and tell us about the worst job you ever had.",
        "And the winner of tonight's competition is a teacher from the coast.",
        "In tonight's episode, the detectives finally find the missing letter.",
        "Scientists say the comet will be visible in the night sky next week.",
        "Markets closed higher today, led by gains in technology shares.",
        "Our reporter is live at the scene with the very latest.",
        "Stay with us, the headlines are coming up at the top of the hour.",
        "If you're just joining us, we've been talking about gardening on a budget.",
        "The chef adds a pinch of salt and lets it simmer for a while.",
        "Let's see what the judges thought of that performance.",
        "Remember to recycle your old batteries, it really makes a difference.",
        "This programme contains scenes some viewers may find upsetting.",
        "Now back to the studio for the rest of the evening news.",
        "It's been a busy day at the airport as the school holidays begin.",
        "Up next, a look at the best hiking trails in the region.",
        "The lions move slowly across the plain as the sun begins to set.",
        "Thanks for calling in, you're live on the air.",
        "Here's a song that always reminds me of summer.",
        "That's all for tonight, see you tomorrow at the same time.",
    ),
}
_BACKGROUND_SAMPLES = 6  # two-slot sports lines: at most this many per template

_REPLIES: dict[str, tuple[str, ...]] = {
    "place": (
        "{place} is lovely at this time of year. Most visitors spend three or four days there, which is enough "
        "to see the main sights. Would you like some ideas for where to stay?",
        "The weather in {place} looks mild for the rest of the week, with a little rain on Thursday. The weekend "
        "should be dry. I'd still pack a light jacket, just in case.",
        "The quickest way to get to {place} from here is by plane. Trains are slower but often cheaper. "
        "Do you want me to compare prices for next month?",
        "People say the food is the best part of a trip to {place}. The old town has small family "
        "restaurants worth a visit. Shall I find a few that are open tonight?",
        "Right now it's early evening in {place}, so most shops will be closing soon. If you're planning to call "
        "someone there, the next hour is probably a good time.",
    ),
    "food": (
        "A simple way to make {food} is to start with good ingredients and keep the seasoning light. Most recipes "
        "take about forty minutes. Shall I read one out step by step?",
        "Leftover {food} will keep for three or four days in a sealed container in the fridge. You can "
        "freeze most of it for a month. Just reheat it thoroughly before eating.",
        "I found a recipe for {food} with great reviews. It needs about eight ingredients, and you probably have "
        "most of them already. I can add the missing ones to your shopping list.",
        "A fresh green salad or some crusty bread goes nicely with {food}. If you want something warmer, roasted "
        "vegetables work well too. A crisp white wine would round it all off.",
        "There are a few places nearby that serve really good {food}. The closest one is ten minutes away "
        "and stays open late. Shall I call and book a table?",
    ),
    "topic": (
        "Here's an overview of {topic}. The basic idea is easier than it sounds, and most introductions "
        "start with a few key terms. I can go deeper into any part you like.",
        "Sure, here's a fun fact about {topic}. Experts have studied it for a long time, and they still find "
        "surprising details every year. Would you like to hear another one?",
        "If you want to learn about {topic}, a good place to start is a short beginner's book or a documentary. "
        "After that, online lectures can fill in the details.",
        "Explaining {topic} to a child works best with a simple story and a picture or two. Start with what they "
        "already know, then add one new idea at a time.",
        "Let's do a quick quiz on {topic}. I'll ask five questions, and you can answer in your own words. Don't "
        "worry about getting everything right, we'll go through the answers together.",
    ),
    "person": (
        "I've sent {person} a message saying you're running late. They usually reply within the hour, so I'll let "
        "you know as soon as I hear back. Is there anything else you'd like to add?",
        "{person}'s birthday is coming up next Saturday. Last year you sent flowers, so maybe try something "
        "different this time. Would you like me to suggest a few gift ideas?",
        "I've set up a meeting with {person} for Tuesday at ten in the morning. I also sent an invitation with a "
        "video link. If that time doesn't work, I can suggest a few others.",
        "{person} hasn't replied to your last email yet. It was sent yesterday afternoon, so there's still plenty "
        "of time. Do you want me to remind you to follow up tomorrow?",
        "Calling {person} now on speaker. If nobody picks up, I can leave a short voice message or try again in "
        "a few minutes. Just say the word if you want to hang up.",
    ),
    "room": (
        "The {room} lights are off now, and the thermostat is set to twenty degrees. Everything else in the house "
        "looks fine. Let me know if you want the heating on earlier tomorrow.",
        "It's about nineteen degrees in the {room} right now, a little cooler than usual. I can turn "
        "the heating up for an hour if you like. Just say how warm you want it.",
        "I'm playing some quiet music in the {room} now, at a low volume. The playlist lasts about an hour and "
        "then stops on its own. Say the word if you'd like something different.",
        "The {room} window is still open, and it's starting to rain outside. You might want to close it before "
        "the floor gets wet. I'll remind you again in a few minutes.",
        "I've closed the blinds in the {room} and dimmed the lights to half. The room should feel cosier "
        "now. Shall I do the same in the other rooms as well?",
    ),
    "time": (
        "You have two things on your calendar {time}, a team meeting and a dentist appointment. The meeting is "
        "online. Do you want a reminder before each one?",
        "You're free {time}, there's nothing on your calendar. It might be a good chance to catch up on "
        "things you've been putting off. Shall I block out some time?",
        "I've moved your dentist appointment to {time}. The clinic will send a confirmation by text in the next "
        "few minutes. I've also updated your calendar, so everything is in sync.",
        "The forecast for {time} looks dry, with light winds and plenty of sunshine. It should be a nice time for "
        "a walk. Remember to bring water if you head out.",
        "I'll remind you to water the plants {time}. If you like, I can also make this a weekly reminder so you "
        "don't have to ask again. Just let me know.",
    ),
}

# Time cues: every template is used with every number from three to fifteen seconds.
_CUE_TEMPLATES = (
    "tell me when {n} seconds have passed.", "let me know when {n} seconds are up.", "say now after {n} seconds.",
    "ping me in {n} seconds.", "count {n} seconds and then tell me.", "give me a shout after {n} seconds.",
    "let me know once {n} seconds have gone by.", "wait {n} seconds and then say go.",
    "tell me when it's been {n} seconds.", "in {n} seconds, say time's up.", "after {n} seconds, say stop.",
    "starting now, tell me when {n} seconds pass.", "say beep when {n} seconds are over.",
    "let me know after {n} seconds.", "nudge me in {n} seconds.", "time {n} seconds for me and say done.",
    "call out when {n} seconds have gone.", "give me {n} seconds, then say go.",
    "can you tell me when {n} seconds have gone by?", "hey, say now when {n} seconds are done.",
)
_NUMBER_WORDS = {
    3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten", 11: "eleven",
    12: "twelve", 13: "thirteen", 14: "fourteen", 15: "fifteen",
}

# Backchannels are too few to partition by position: the common ones train, rarer ones evaluate.
# No two splits hold acoustically identical forms (e.g. "uh-huh" and "uh huh").
_BACKCHANNELS: dict[str, tuple[str, ...]] = {
    "train": ("mm-hm", "yeah", "uh-huh", "okay", "right", "I see", "sure", "got it", "wow", "oh really", "yep", "mm",
              "oh", "exactly", "oh okay", "true", "hmm", "alright"),
    "dev": ("yes", "oh wow", "makes sense", "I know", "cool", "fair enough"),
    "test": ("gotcha", "oh right", "no way", "interesting", "of course", "sure thing"),
}


# ---------------------------------------------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------------------------------------------


def _check(split: str) -> None:
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {SPLITS}")


def _part(items: Sequence[_T], split: str) -> list[_T]:
    """The items of ``split``: position ``i`` belongs to ``_BUCKETS[i % 5]``."""
    return [x for i, x in enumerate(items) if _BUCKETS[i % len(_BUCKETS)] == split]


def _slots(template: str) -> list[str]:
    return sorted({field for _, field, _, _ in string.Formatter().parse(template) if field})


def _expand(templates: Sequence[str], split: str, rng: random.Random, limit: int | None = None) -> list[str]:
    """Split templates × split slot values; at most ``limit`` random fillings per template with several slots."""
    out: list[str] = []
    for tpl in _part(templates, split):
        names = _slots(tpl)
        combos = list(product(*(_part(_VOCAB[n], split) for n in names)))
        if limit is not None and len(names) > 1 and len(combos) > limit:
            combos = rng.sample(combos, limit)
        out.extend(tpl.format(**dict(zip(names, combo, strict=True))) for combo in combos)
    return out


def _expand_groups(groups: Mapping[str, Sequence[str]], split: str, rng: random.Random,
                   limit: int | None = None) -> list[str]:
    return [s for templates in groups.values() for s in _expand(templates, split, rng, limit)]


def _finish(items: Iterable[_T], rng: random.Random) -> tuple[_T, ...]:
    """Drop duplicates (first wins), then shuffle deterministically."""
    out = list(dict.fromkeys(items))
    rng.shuffle(out)
    return tuple(out)


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def _pause_variants(frame: _Frame, value: str, alt: str, opener: str) -> list[tuple[str, str]]:
    """The seven ways a request can be broken by a pause, for one slot value (``alt``: a wrong one to correct)."""
    lead, prep, rest_tpl, conj, follow = frame
    slot = _slots(rest_tpl)[0]
    rest = rest_tpl.format(**{slot: value})
    whole = f"{lead} {prep} {rest}"
    return [
        (f"{lead} {prep}...", rest),                                # trails off after the preposition
        (f"{lead} {prep}, um", rest),                               # filler after the preposition
        (f"{lead}, uh", f"{prep} {rest}"),                          # filler before it
        (f"{lead} {prep} {alt}, I mean", rest),                     # self-correction
        (f"{lead} {prep} {alt}, no wait, actually", rest),          # self-correction
        (f"{whole.rstrip('?.')}, {conj}", follow),                  # a second clause is coming
        (f"{opener}, so um", whole),                                # hesitant start
    ]


def _rng(kind: str, split: str) -> random.Random:
    _check(split)
    return random.Random(f"app.synth.scripts/{kind}/{split}")  # str seeds are hashed stably, not per process


@cache
def _turns(split: str) -> tuple[str, ...]:
    rng = _rng("turns", split)
    return _finish(_expand_groups(_TURNS, split, rng), rng)


@cache
def _paused_turns(split: str) -> tuple[tuple[str, str], ...]:
    rng = _rng("paused_turns", split)
    pairs: list[tuple[str, str]] = []
    for slot, frames in _PAUSE_FRAMES.items():
        values = _part(_VOCAB[slot], split)
        for frame in _part(frames, split):
            for value in values:
                alt = rng.choice([v for v in values if v != value])
                variants = _pause_variants(frame, value, alt, rng.choice(_OPENERS))
                pairs.extend(rng.sample(variants, _PAUSE_STYLES_PER_ITEM))
    return _finish(pairs, rng)


@cache
def _interruptions(split: str) -> tuple[str, ...]:
    rng = _rng("interruptions", split)
    return _finish(_expand_groups(_INTERRUPTIONS, split, rng), rng)


@cache
def _side_remarks(split: str) -> tuple[str, ...]:
    rng = _rng("side_remarks", split)
    return _finish(_expand_groups(_SIDE_REMARKS, split, rng, _SIDE_REMARK_SAMPLES), rng)


@cache
def _background_lines(split: str) -> tuple[str, ...]:
    rng = _rng("background_lines", split)
    lines = _expand_groups(_BACKGROUND, split, rng, _BACKGROUND_SAMPLES)
    return _finish((_sentence_case(s) for s in lines), rng)


@cache
def _replies(split: str) -> tuple[str, ...]:
    rng = _rng("replies", split)
    return _finish((_sentence_case(s) for s in _expand_groups(_REPLIES, split, rng)), rng)


@cache
def _cue_requests(split: str) -> tuple[tuple[str, float], ...]:
    rng = _rng("cue_requests", split)
    cues = [(tpl.format(n=word), float(n)) for tpl in _part(_CUE_TEMPLATES, split) for n, word in _NUMBER_WORDS.items()]
    return _finish(cues, rng)


@cache
def _user_backchannels(split: str) -> tuple[str, ...]:
    rng = _rng("user_backchannels", split)
    return _finish(_BACKCHANNELS[split], rng)


# ---------------------------------------------------------------------------------------------------------------
# Public API: fresh lists, so callers may shuffle or pop without touching the cache.
# ---------------------------------------------------------------------------------------------------------------


def turns(split: str) -> list[str]:
    """Complete requests or questions to the assistant, 4-16 words, ending in "." or "?"."""
    return list(_turns(split))


def paused_turns(split: str) -> list[tuple[str, str]]:
    """(first part, continuation): the first part sounds unfinished, so the user keeps the floor through the pause."""
    return list(_paused_turns(split))


def interruptions(split: str) -> list[str]:
    """What a user says to cut the assistant off and redirect it, 3-10 words."""
    return list(_interruptions(split))


def user_backchannels(split: str) -> list[str]:
    """One- or two-word acknowledgements said while the assistant talks ("mm-hm", "I see")."""
    return list(_user_backchannels(split))


def side_remarks(split: str) -> list[str]:
    """The user talking to someone else in the room, not to the assistant, 3-10 words."""
    return list(_side_remarks(split))


def background_lines(split: str) -> list[str]:
    """TV, radio or other-room speech (news, weather, sports commentary, adverts), 6-18 words."""
    return list(_background_lines(split))


def replies(split: str) -> list[str]:
    """The assistant's long answers: 2-3 sentences, 18-35 words (about six to ten seconds of speech)."""
    return list(_replies(split))


def cue_requests(split: str) -> list[tuple[str, float]]:
    """(request, seconds): "tell me when ten seconds have passed" and the like, three to fifteen seconds."""
    return list(_cue_requests(split))
