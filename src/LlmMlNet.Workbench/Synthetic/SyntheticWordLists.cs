// The fixed English word lists of the synthetic tasks: nouns, descriptive adjectives, unambiguous
// sentiment cue words, and QA attribute values. Plain data; the made-up words (names, cities, words
// of hidden polarity) are generated in SyntheticLexicon instead.

namespace LlmMlNet.Workbench.Synthetic;

/// <summary>Word tables for the synthetic corpus and datasets.</summary>
internal static class SyntheticWordLists
{
    public static readonly string[] ReviewNouns =
    [
        "film", "movie", "book", "meal", "hotel", "show", "album", "song", "play", "game", "restaurant", "room",
        "service", "story", "concert", "trip", "car", "phone", "camera", "coffee", "cake", "soup", "garden", "museum",
        "class", "lecture", "novel", "series", "chair", "bed", "view", "staff", "menu", "ending", "plot", "cast",
        "music", "dinner", "lunch", "breakfast", "flight", "train", "beach", "park", "market", "shop", "shirt",
        "jacket", "shoe", "bag", "watch", "lamp", "desk", "kitchen", "pool", "bridge", "tower", "castle", "festival",
        "tour", "course", "guide", "app", "laptop", "bike", "tent", "boat", "island", "cafe", "bakery", "pizza",
        "salad", "tea", "wine", "sofa", "radio", "painting", "poem", "opera", "ballet",
    ];

    public static readonly string[] DescriptiveAdjectives =
    [
        "red", "blue", "green", "yellow", "black", "white", "brown", "grey", "orange", "purple", "small", "large",
        "tall", "short", "long", "wide", "narrow", "tiny", "huge", "wooden", "metal", "glass", "paper", "plastic",
        "stone", "cotton", "woolen", "old", "new", "young", "modern", "ancient", "round", "square", "heavy", "light",
        "quiet", "loud", "warm", "cold", "early", "late", "local", "foreign", "busy", "empty", "northern", "southern",
    ];

    public static readonly string[] PositiveCues = ["good", "great", "excellent", "wonderful", "lovely", "superb", "fantastic", "delightful"];

    public static readonly string[] NegativeCues = ["bad", "awful", "terrible", "poor", "dreadful", "horrible", "dismal", "lousy"];

    public static readonly string[] NeutralCues = ["average", "ordinary", "typical", "plain", "standard", "usual", "unremarkable", "middling"];

    public static readonly string[] Verbs =
    [
        "visited", "bought", "watched", "read", "cooked", "carried", "opened", "closed", "painted", "built",
        "moved", "sold", "found", "took", "made", "brought", "borrowed", "cleaned", "repaired", "described",
    ];

    public static readonly string[] Professions =
    [
        "baker", "teacher", "farmer", "sailor", "doctor", "nurse", "pilot", "painter", "carpenter", "tailor", "miner",
        "librarian", "bus driver", "shop keeper", "ship captain", "train driver", "court judge", "music teacher",
        "bridge engineer", "river guide",
    ];

    public static readonly string[] Instruments =
    [
        "piano", "violin", "guitar", "flute", "drum", "trumpet", "cello", "harp", "clarinet", "banjo", "organ", "horn",
    ];

    public static readonly string[] Foods =
    [
        "apple pie", "bread", "cheese", "fish stew", "rice", "noodles", "roast chicken", "plum cake", "porridge",
        "honey", "tomato salad", "lemon tart", "bean soup", "potato bake",
    ];

    public static readonly string[] Colors = ["red", "blue", "green", "yellow", "black", "white", "brown", "grey", "orange", "purple"];

    public static readonly string[] CitySuffixes = ["ton", "ville", "burg", "ford", "port", "field", "mouth", "wick"];

    public static readonly string[] Weather = ["rainy", "windy", "sunny", "foggy", "snowy", "dry", "stormy", "mild"];
}
