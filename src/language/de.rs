//! German: segmentation rules, the Snowball German stemmer, cue word lists and a
//! valence list for German news reporting and commentary.
//!
//! The word lists below and the valence list `data/lexicons/valence-de.tsv` were
//! written for factop (no outside lexicon was copied) and are licensed like the rest
//! of the project, MIT OR Apache-2.0.
//!
//! Choices made and why:
//!
//! * Segmentation. German writes ordinals with a period (`am 3. Oktober`), so
//!   `ordinals` is on. Abbreviations that sit inside a sentence (`z. B.`, `d. h.`,
//!   `Nr.`, `Dr.`, `bzw.`, `ca.`, `vgl.`...) never end one; the single letters of the
//!   spaced forms (`z. B.` → `z`, `d. h.` → `d`, `u. a.` → `u`, `v. a.` → `v`, `s. o.`
//!   → `s`, `o. Ä.` → `o`, plus `a`, `e`, `i`, `n` of `a. D.`, `e. V.`, `i. d. R.`,
//!   `n. Chr.`) are listed so. `o.ä`, `s.o` and `s.u` are left out on purpose: they
//!   often close a sentence. Months, weekdays, `usw.`, `etc.`, `Mio.`, `Mrd.`, `Jh.`
//!   and the like may end a sentence, but only before a common opener. `so` (Sonntag)
//!   is not listed: it is an everyday word. Starters are function words and
//!   connectives that open German sentences; capitalised nouns are not, since nouns
//!   follow ordinals and abbreviations inside sentences (`am 3. Oktober`).
//! * Quotes: „…“ (the German standard), »…« (some papers and books) and “…”
//!   (English-style, common online). The Swiss «…» is not listed.
//! * Words are matched lowercased, so capitalised nouns meet other words of the same
//!   spelling: `Laut` (sound) meets `laut`, `Sie` (formal you) meets `sie`. The formal
//!   `Sie/Ihnen/Ihr` is therefore not in Second (it would count every "she/they"), and
//!   `ihr` is left out of every class. Words whose lowercase form is a common noun
//!   (`recht`, `stand`, `klasse`, `weise`, `franken`) are left out of the lists.
//! * Reporting holds the verbs of German news attribution (sagte, erklärte,
//!   teilte ... mit, berichtete, angeblich, zufolge, laut) and the Konjunktiv I forms
//!   of reported speech that differ from the indicative third person (sei, seien,
//!   habe, könne, müsse, solle, wolle, dürfe, gebe, liege...): in German news these
//!   mark indirect speech as clearly as a reporting verb. `haben`, `werden` and
//!   `werde` are left out (identical to the indicative or the future). The
//!   Konjunktiv I modals are deliberately not in Modal, so that Modal
//!   counts the author's own modality (muss, sollte, könnte) and not reported speech.
//! * `according_to` holds only `laut` and `zufolge`: `nach Angaben` would need `nach`
//!   as a Reporting word, which is far too common.
//! * Past: German regular past forms end in `-te`, which also ends countless nouns and
//!   adjectives; only the suffixes `-ierte(n)`, `-tete(n)`, `-dete(n)` and `-elte` are
//!   used (kritisierte, berichtete, meldete, handelte), and the Past list holds the
//!   auxiliaries and the commonest strong past forms. Participles (`ge...t`) cannot be
//!   caught by a suffix.
//! * Adverbs: stance adverbs are formed with `-erweise` (glücklicherweise).
//! * The valence list holds 400 evaluative words of German commentary, scored -4..4
//!   like VADER. Words that are mostly factual in news (`Krise`, `Pleite`, `Fehler`,
//!   `Betrug`) are left out and `gut` ("gut 100 Menschen") scores low. The list is
//!   matched by Snowball stem, which folds umlauts and strips endings, so words whose
//!   stem meets a common neutral word are left out: `schön`/`schon`,
//!   `gefährlich`/`gefahren`, `verlässlich`/`verlassen`, `zögerlich`/`zogen`,
//!   `Fehler`/`fehlen`, `Erfolg`/`erfolgen`, `bitter`/`bitten`, `widerlich`/`wider`,
//!   `oberflächlich`/`Oberfläche`, `rückständig`/`Rückstand`, `albern`/`Alben`.
//!   `unglücklich` meets `Unglück` (accident) and so scores below the strong-word
//!   threshold.

use super::{CueLexicon, Profile, SegmentRules, StemRule, WordClass};
use rust_stemmers::Algorithm;

/// The German profile.
pub(super) const PROFILE: Profile = Profile {
    code: "de",
    name: "German",
    about: "German (Snowball \"german\")",
    detected_as: Some(whatlang::Lang::Deu),
    right_to_left: false,
    stemmer: StemRule::Snowball(Algorithm::German),
    segmentation: &SEGMENTATION,
    cues: Some(&CUES),
};

/// Abbreviations and sentence openers of German news text.
const SEGMENTATION: SegmentRules = SegmentRules {
    // Abbreviations used inside a sentence, titles, and the single letters of spaced
    // abbreviations (z. B., d. h., u. a., v. a., s. o., o. Ä., a. D., e. V., i. d. R.).
    never_end: &[
        "a", "d", "e", "i", "n", "o", "s", "u", "v", "z", "z.b", "d.h", "u.a", "v.a", "z.t", "u.u",
        "i.d.r", "z.hd", "nr", "dr", "prof", "hr", "hrn", "dipl", "ing", "bzw", "ca", "vgl", "sog",
        "inkl", "exkl", "evtl", "ggf", "abs", "str", "bzgl", "zzgl", "bspw", "insb", "gem", "lt",
        "tel", "geb", "gegr", "ehem", "stellv", "abg", "gebr", "st", "od", "mind", "rd", "zzt",
        "ggü", "kath", "evang", "vs",
    ],
    // Months, weekdays, units, list endings, and titles that are also words or
    // weekdays (`Fr.` Frau/Freitag, `Mag.` Magister/mag): end a sentence only before
    // an opener.
    may_end: &[
        "usw", "etc", "jan", "feb", "febr", "mrz", "apr", "jun", "jul", "aug", "sep", "sept",
        "okt", "nov", "dez", "mo", "di", "mi", "do", "sa", "mio", "mrd", "tsd", "jh", "jhd", "chr",
        "ff", "ebd", "min", "std", "sek", "hbf", "co", "inc", "corp", "ltd", "jr", "sen", "mwst",
        "fr", "mag",
    ],
    // Words that commonly open a sentence and rarely follow an abbreviation inside one.
    starters: &[
        "Der",
        "Die",
        "Das",
        "Den",
        "Dem",
        "Des",
        "Ein",
        "Eine",
        "Einen",
        "Er",
        "Sie",
        "Es",
        "Wir",
        "Ich",
        "Man",
        "Dies",
        "Diese",
        "Dieser",
        "Dieses",
        "Am",
        "Im",
        "In",
        "Auf",
        "Nach",
        "Mit",
        "Bei",
        "Für",
        "Seit",
        "Vor",
        "Um",
        "Zum",
        "Zur",
        "Doch",
        "Auch",
        "Aber",
        "Und",
        "Zudem",
        "Dabei",
        "Laut",
        "Damit",
        "Dann",
        "Danach",
        "Daher",
        "Deshalb",
        "Trotzdem",
        "Allerdings",
        "Jedoch",
        "Außerdem",
        "Wie",
        "Was",
        "Wer",
        "Warum",
        "Wo",
        "Wenn",
        "Als",
        "Ob",
        "Obwohl",
        "Weil",
        "Da",
        "So",
        "Nun",
        "Jetzt",
        "Heute",
        "Gestern",
        "Inzwischen",
        "Bereits",
        "Noch",
        "Nur",
        "Viele",
        "Alle",
        "Seine",
        "Ihre",
        "Zwar",
        "Hier",
        "Dort",
        "Immerhin",
        "Unter",
        "Gegen",
    ],
    ordinals: true,
    quotes: &[
        ('\u{201E}', '\u{201C}'),
        ('\u{00BB}', '\u{00AB}'),
        ('\u{201C}', '\u{201D}'),
    ],
};

const CUES: CueLexicon = CueLexicon {
    words: &[
    (WordClass::Reporting, "sagte sagt sagten sagen gesagt erklärte erklärt erklärten erklären betonte betont betonten teilte teilten mitteilte mitteilten mitgeteilt berichtete berichtet berichteten berichten kündigte kündigt kündigten ankündigte angekündigt sprach spricht sprachen bestätigte bestätigt bestätigten dementierte dementiert bekräftigte bekräftigt warnte warnt warnten forderte fordert forderten kritisierte kritisiert kritisierten äußerte äußerten geäußert schrieb schreibt schrieben twitterte antwortete antwortet entgegnete erwiderte ergänzte ergänzt unterstrich verwies meinte hieß zitiert zitierte verkündete verkündet bestritt bestreitet behauptete behauptet behaupten versicherte beklagte eingeräumt gestand kommentierte bezeichnete nannte schilderte mahnte appellierte zufolge laut angeblich sei seien habe könne müsse solle wolle dürfe gebe liege gehe stehe wisse"),
    (WordClass::Speaker, "er sie sprecher sprecherin regierungssprecher regierungssprecherin polizeisprecher polizeisprecherin polizei polizisten ministerium behörde behörden regierung bundesregierung minister ministerin ministerpräsident ministerpräsidentin kanzler kanzlerin bundeskanzler präsident präsidentin bürgermeister bürgermeisterin experte experten expertin analyst analysten forscher wissenschaftler ermittler staatsanwaltschaft staatsanwalt gericht richter anwalt anwältin anwälte verteidiger zeuge zeugen augenzeugen anwohner feuerwehr bericht studie umfrage daten angaben quelle quellen kreisen mitteilung erklärung unternehmen konzern vorsitzende vorsitzender chef chefin agentur nachrichtenagentur beamte beamten diplomaten"),
    (WordClass::FirstSingular, "ich mich mir mein meine meinen meinem meiner meines"),
    (WordClass::FirstPlural, "wir uns unser unsere unseren unserem unserer unseres"),
    (WordClass::Second, "du dich dir dein deine deinen deinem deiner deines euch euer eure euren eurem eurer"),
    (WordClass::Modal, "muss müssen müsste müssten soll sollen sollte sollten kann können könnte könnten darf dürfen dürfte dürften will wollen wollte wollten würde würden möchte möchten wäre wären hätte hätten mag braucht brauchen"),
    (WordClass::Hedge, "vielleicht wahrscheinlich unwahrscheinlich vermutlich möglicherweise eventuell offenbar anscheinend scheinbar womöglich wohl eher gewissermaßen irgendwie sozusagen quasi einigermaßen halbwegs tendenziell voraussichtlich mutmaßlich vermeintlich scheint scheinen schien glaube glauben denke vermute bezweifle finde"),
    (WordClass::Intensifier, "sehr äußerst extrem total absolut völlig wirklich höchst überaus enorm ungemein unglaublich zutiefst besonders derart dermaßen geradezu regelrecht schlicht einfach sogar durchaus ausgesprochen außerordentlich weitaus allzu komplett vollkommen gänzlich massiv ungeheuer wahnsinnig ziemlich furchtbar schrecklich"),
    (WordClass::Stance, "leider glücklicherweise erfreulicherweise bedauerlicherweise hoffentlich offensichtlich natürlich selbstverständlich sicherlich zweifellos zweifelsohne fraglos unbestreitbar unbestritten ehrlich ironischerweise bezeichnenderweise dummerweise verständlicherweise zugegebenermaßen bekanntlich tatsächlich eigentlich ausgerechnet freilich immerhin traurigerweise seltsamerweise merkwürdigerweise interessanterweise klugerweise"),
    (WordClass::Superlative, "beste besten bester bestes besser bessere besseren schlechteste schlechtesten schlechter schlimmste schlimmsten schlimmer größte größten größter meisten wichtigste wichtigsten schönste schönsten übelste dümmste"),
    (WordClass::Negation, "nicht kein keine keinen keinem keiner keines nie niemals nichts niemand nirgends nirgendwo weder ohne keineswegs keinesfalls mitnichten nein"),
    (WordClass::Date, "januar jänner februar märz april mai juni juli august september oktober november dezember jan feb mrz apr jun jul aug sep sept okt nov dez montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag gestern heute morgen übermorgen vorgestern heuer tag tage tagen woche wochen wochenende monat monate monaten jahr jahre jahren jahres vorjahr uhr"),
    (WordClass::Money, "prozent prozentpunkte million millionen milliarde milliarden billion billionen mio mrd euro dollar pfund cent usd eur chf rubel yen yuan"),
    (WordClass::Past, "war waren wurde wurden worden gewesen hatte hatten gehabt gab gaben ging gingen kam kamen standen lag lagen sah sahen fand fanden blieb blieben starb starben nahm nahmen trat traten fiel fielen begann begannen zog zogen brachte brachten hielt hielten erhielt erhielten verlor verloren gewann traf trafen fuhr stieg sank ließ galt geriet entschied wusste dachte saß"),
    (WordClass::Be, "ist sind bin bist seid gibt"),
    (WordClass::Contrast, "aber doch jedoch allerdings obwohl obgleich obschon wenngleich trotzdem dennoch trotz sondern hingegen dagegen stattdessen wohingegen indes indessen gleichwohl nichtsdestotrotz zwar vielmehr andererseits demgegenüber"),
    ],
    according_to: &["laut", "zufolge"],
    own_view: &["laut mir", "laut uns"],
    past_suffixes: &["ierte", "ierten", "tete", "teten", "dete", "deten", "elte"],
    adverb_suffixes: &["erweise"],
    subjectivity_xml: None,
    valence_tsv: Some(include_str!("../../data/lexicons/valence-de.tsv")),
};
