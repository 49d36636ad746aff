//! The answer index: what `write_index` writes and what the answerer finds in it.

mod answer_support;
mod common;

use std::sync::OnceLock;

use guichet::answer::{Answerer, Decision, Post};

fn post(text: &str) -> Post {
    Post { text: text.to_string(), id: None, lang: None }
}

/// The answerer of `../shared/corpus`, built once for the tests that need it.
fn reference_corpus() -> &'static Answerer {
    static REFERENCE: OnceLock<(answer_support::Kb, Answerer)> = OnceLock::new();
    let (_kb, answerer) = REFERENCE.get_or_init(|| {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
        let kb = answer_support::build_kb(&corpus, |_| {});
        let answerer = Answerer::open(&kb.index_dir()).unwrap();
        (kb, answerer)
    });
    answerer
}

#[test]
fn one_document_per_question_and_per_page_introduction() {
    let kb = answer_support::build_kb(&answer_support::fixture(), |_| {});
    assert_eq!(kb.stats.entries, 6);
    assert_eq!(kb.stats.intros, 1);
    let answerer = Answerer::open(&kb.index_dir()).unwrap();
    assert_eq!(answerer.meta().documents, 7);
    assert_eq!(answerer.meta().base_url, "https://aide.test");
}

#[test]
fn results_are_absolute_deep_links_and_accentless_spellings_match() {
    let kb = answer_support::build_kb(&answer_support::fixture(), |_| {});
    let answerer = Answerer::open(&kb.index_dir()).unwrap();
    let answer =
        answerer.answer(&post("@RevenuQc c koi la date limite pour les impots cette annee?? #impots"), 3);
    assert_eq!(answer.lang, "fr");
    assert_eq!(answer.results[0].url, "https://aide.test/fr/particuliers/date-limite/#date-limite");
    assert_eq!(answer.results[0].page, "Date limite pour produire votre déclaration de revenus");
    assert!(answer.results.len() <= 3);
    let answer = answerer.answer(&post("quand est verse le credit solidarite"), 5);
    assert_eq!(answer.results[0].url, "https://aide.test/fr/particuliers/credit-solidarite/#versements");
}

/// A page that holds the author's synonym of a post's word speaks of that word: it counts in
/// how much of the post the page covers, as the word itself would.
#[test]
fn a_synonym_found_in_a_page_covers_the_post_word() {
    let synonyms = "fr = [[\"échéance\", \"date limite\"]]\nen = [[\"due date\", \"deadline\"]]\n";
    let kb = answer_support::build_kb(&answer_support::fixture(), |root| {
        std::fs::write(root.join("synonyms.toml"), synonyms).unwrap();
    });
    let answerer = Answerer::open(&kb.index_dir()).unwrap();
    let ask = |text: &str| answerer.answer_with(&post(text), 3, true);
    let with_page_words = ask("date limite de la déclaration de revenus?");
    let with_synonym = ask("échéance de la déclaration de revenus?");
    for answer in [&with_page_words, &with_synonym] {
        assert_eq!(answer.results[0].url, "https://aide.test/fr/particuliers/date-limite/#date-limite");
    }
    let coverage = |a: &guichet::answer::Answer| a.explain.as_ref().unwrap().coverage[0];
    assert_eq!(coverage(&with_synonym), coverage(&with_page_words), "{:?}", with_synonym.explain);
    assert_eq!(coverage(&with_synonym), 1.0);
}

/// Common words tie ("allo" is French, "to" English): the pages' own words decide.
#[test]
fn a_post_whose_common_words_tie_takes_the_language_whose_pages_know_its_words() {
    let answerer = reference_corpus();
    let answer = answerer.answer(&post("allo, best time to call without waiting forever? 😩"), 5);
    assert_eq!(answer.lang, "en");
    assert_eq!(answer.results[0].url, "https://aide.example.qc.ca/en/revenu-quebec/contact-us/#wait-times");
    let answer = answerer.answer(&post("hello, meilleur moment pour appeler sans attendre?"), 5);
    assert_eq!(answer.lang, "fr");
}

/// Everyday words of the starter synonyms: "en retard" is a late filing, a "DM" a private
/// message, looking after someone's affairs a power of attorney, owing money a debt. Posts
/// written for this test.
#[test]
fn starter_synonyms_link_everyday_words_to_the_agencys_terms() {
    let answerer = reference_corpus();
    let base = "https://aide.example.qc.ca";
    for (text, expected) in [
        (
            "Combien ça coûte si j'envoie mes impôts en retard?",
            "/fr/particuliers/paiement-solde-penalites/#penalite-production-tardive",
        ),
        (
            "Quelqu'un m'a écrit en DM en disant être Revenu Québec, c'est vrai?",
            "/fr/revenu-quebec/medias-sociaux/#messages-prives",
        ),
        (
            "Got a DM from someone saying they work for Revenu Québec, legit?",
            "/en/revenu-quebec/social-media/#private-messages",
        ),
        (
            "Mon père veut que je puisse m'occuper de ses affaires avec vous, comment faire?",
            "/fr/revenu-quebec/services-en-ligne/#procuration",
        ),
        // "garder" is no longer read as "garde" (childcare), owing money is a debt, and a
        // refund kept is a question type.
        (
            "Est-ce que Revenu Québec peut garder mon remboursement si je dois de l'argent à un autre ministère?",
            "/fr/particuliers/avis-cotisation-remboursement/#remboursement-retenu",
        ),
        (
            "Can Revenu Québec keep my refund if I owe money to another department?",
            "/en/individuals/notice-assessment-refund/#refund-withheld",
        ),
    ] {
        let answer = answerer.answer(&post(text), 5);
        assert_eq!(answer.results[0].url, format!("{base}{expected}"), "{text}");
    }
}

/// A post that asks whether anyone is there names nothing the knowledge base answers.
#[test]
fn is_anyone_there_gets_no_public_link() {
    let answer = reference_corpus().answer(&post("allo?? y'a quelqu'un??"), 5);
    assert_eq!(answer.decision, Decision::None, "{:?}", answer.results.first());
}

#[test]
fn hashtags_and_language_detection_reach_the_right_page() {
    let kb = answer_support::build_kb(&answer_support::fixture(), |_| {});
    let answerer = Answerer::open(&kb.index_dir()).unwrap();
    let answer = answerer.answer(&post("#CreditSolidarite qui a droit?"), 5);
    assert_eq!(answer.results[0].url, "https://aide.test/fr/particuliers/credit-solidarite/#admissibilite");
    let answer = answerer.answer(&post("do I need to register for GST/QST if I make 25k?"), 5);
    assert_eq!(answer.lang, "en");
    assert_eq!(answer.results[0].url, "https://aide.test/en/individuals/filing-deadline/#gst-qst");
}

#[test]
fn built_in_synonyms_apply_when_the_kb_has_none() {
    let kb = answer_support::build_kb(&answer_support::fixture(), |_| {});
    let answerer = Answerer::open(&kb.index_dir()).unwrap();
    // The page says "goods and services tax"; the post only the French abbreviation.
    let answer =
        answerer.answer(&Post { text: "TPS registration?".into(), id: None, lang: Some("en".into()) }, 5);
    assert_eq!(answer.results[0].url, "https://aide.test/en/individuals/filing-deadline/#gst-qst");
}

#[test]
fn a_knowledge_base_synonyms_file_replaces_the_built_in_one() {
    let kb = answer_support::build_kb(&answer_support::fixture(), |root| {
        std::fs::write(root.join("synonyms.toml"), "en = [[\"sales levy\", \"goods and services tax\"]]\n")
            .unwrap();
    });
    let answerer = Answerer::open(&kb.index_dir()).unwrap();
    let en = |text: &str| answerer.answer(&Post { text: text.into(), id: None, lang: Some("en".into()) }, 5);
    assert_eq!(en("levy?").results.len(), 0);
    assert_eq!(en("sales levy?").results[0].url, "https://aide.test/en/individuals/filing-deadline/#gst-qst");
    assert!(answerer.meta().synonyms.groups["en"].iter().all(|g| !g.contains(&"TPS".to_string())));
}

#[test]
fn a_broken_synonyms_file_fails_the_index_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(&answer_support::fixture(), dir.path());
    std::fs::write(dir.path().join("synonyms.toml"), "fr = [[\"TPS\"]]").unwrap();
    let site = guichet::content::load(dir.path(), &Default::default()).unwrap();
    let out = tempfile::tempdir().unwrap();
    let err = format!("{:#}", guichet::index::write_index(&site, out.path()).unwrap_err());
    assert!(err.contains("synonyms.toml"), "{err}");
}

#[test]
fn personal_posts_are_redirected_in_their_language_and_numbers_masked() {
    let kb = answer_support::build_kb(&answer_support::fixture(), |_| {});
    let answerer = Answerer::open(&kb.index_dir()).unwrap();
    let answer =
        answerer.answer(&post("mon NAS c'est 046 454 286, pouvez-vous vérifier mon remboursement?"), 5);
    assert_eq!(answer.decision, Decision::Personal);
    assert!(answer.reply.contains("https://aide.test/fr/nous-joindre/"), "{}", answer.reply);
    let json = serde_json::to_string(&answer).unwrap();
    assert!(!json.replace([' ', '-'], "").contains("046454286"), "{json}");
    assert!(answer.query.contains("*** *** ***"));

    let answer = answerer.answer(
        &post("Why is my refund $600 less than expected?? Can someone check my file? SIN 123-456-789"),
        5,
    );
    assert_eq!((answer.decision, answer.lang.as_str()), (Decision::Personal, "en"));
    assert!(answer.reply.contains("https://aide.test/en/contact/"));
    assert!(!serde_json::to_string(&answer).unwrap().contains("456"));
}

#[test]
fn out_of_scope_posts_get_no_public_reply() {
    let kb = answer_support::build_kb(&answer_support::fixture(), |_| {});
    let answerer = Answerer::open(&kb.index_dir()).unwrap();
    let answer = answerer.answer(&post("How do I renew my Canadian passport?"), 5);
    assert_eq!(answer.decision, Decision::None);
    assert_eq!(answer.reply, "");
}

#[test]
fn thanks_and_wishes_get_no_public_link_even_when_their_words_match() {
    let kb = answer_support::build_kb(&answer_support::fixture(), |_| {});
    let answerer = Answerer::open(&kb.index_dir()).unwrap();
    for text in [
        "Thanks for the tip about the income tax return filing deadline 👍",
        "Merci pour l'info sur la date limite de la déclaration de revenus!",
    ] {
        let answer = answerer.answer(&post(text), 5);
        assert_eq!(answer.decision, Decision::None, "{text}");
        assert_eq!(answer.reply, "", "{text}");
        // The candidates stay listed for the agent who may answer by hand.
        assert!(answer.results[0].url.contains("date-limite") || answer.results[0].url.contains("deadline"));
    }
    // Thanks around a question: the question is answered.
    let answer = answerer.answer(&post("Thanks! What is the deadline for filing my income tax return?"), 5);
    assert_eq!(answer.decision, Decision::Answer);
}

#[test]
fn reply_templates_of_the_knowledge_base_override_the_built_in_ones() {
    let kb = answer_support::build_kb(&answer_support::fixture(), |root| {
        let dir = root.join("templates/replies");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("personal.fr.txt"), "Écrivez-nous en privé : {{ channel }}").unwrap();
    });
    let answerer = Answerer::open(&kb.index_dir()).unwrap();
    let answer = answerer.answer(&post("Pouvez-vous vérifier mon dossier? NAS 111 222 333"), 5);
    assert_eq!(answer.reply, "Écrivez-nous en privé : https://aide.test/fr/nous-joindre/");
}

#[test]
fn opening_a_folder_without_an_index_names_the_build_command() {
    let dir = tempfile::tempdir().unwrap();
    let err = Answerer::open(dir.path()).err().unwrap().to_string();
    assert!(err.contains("guichet build"), "{err}");
}

#[test]
fn a_misspelled_word_still_finds_its_page() {
    let kb = answer_support::build_kb(&answer_support::fixture(), |_| {});
    let answerer = Answerer::open(&kb.index_dir()).unwrap();
    // "soldarité" is in no page; "solidarité" is one edit away.
    let answer = answerer.answer(&post("soldarité"), 5);
    assert!(!answer.results.is_empty(), "no result for a one-letter typo");
    assert!(answer.results[0].url.starts_with("https://aide.test/fr/particuliers/credit-solidarite/"));
    // Short words get no tolerance: too many neighbours.
    assert!(answerer.answer(&post("xyz"), 5).results.is_empty());
}

#[test]
fn the_type_of_question_picks_between_headings_of_the_same_page() {
    let kb = answer_support::build_kb(&answer_support::fixture(), |root| {
        std::fs::write(
            root.join("content/fr/particuliers/prime-bidon.md"),
            "+++\ntitle = \"Prime bidon\"\n+++\n\n\
             ## Quand la prime bidon est-elle versée? {#versement}\n\nEn mars.\n\n\
             ## À combien s'élève la prime bidon? {#montant}\n\nCinq cents dollars.\n",
        )
        .unwrap();
    });
    let answerer = Answerer::open(&kb.index_dir()).unwrap();
    // Neither post shares a word with either heading but "prime bidon": only the type of
    // question (a date, an amount) separates them.
    let first = |text: &str| answerer.answer(&post(text), 2).results[0].url.clone();
    assert_eq!(first("prime bidon : échéance?"), "https://aide.test/fr/particuliers/prime-bidon/#versement");
    assert_eq!(
        first("prime bidon : quel pourcentage?"),
        "https://aide.test/fr/particuliers/prime-bidon/#montant"
    );
}

#[test]
fn a_heading_is_read_in_its_page_context() {
    // On the reference corpus's pages, "When is the credit paid?" and "Comment recevoir le
    // crédit par versements anticipés?" say "the credit" for the page's credit; their siblings
    // that repeat the page's subject ("How do I apply for the solidarity tax credit?") used to
    // outrank them on any post naming the subject.
    let answerer = reference_corpus();
    let first = |text: &str| answerer.answer(&post(text), 5).results[0].url.clone();
    assert_eq!(
        first("When do solidarity credit payments come in?"),
        "https://aide.example.qc.ca/en/individuals/solidarity-credit/#payments"
    );
    assert_eq!(
        first("Le crédit pour frais de garde, on peut l'avoir à chaque mois?"),
        "https://aide.example.qc.ca/fr/particuliers/frais-garde-enfants/#versements-anticipes"
    );
}

#[test]
fn a_post_made_only_of_common_words_gets_no_public_link() {
    // Every word of the first post is in at least one document in five of the reference
    // corpus: it names no subject, and its strong scores (common words fill many fields of many
    // documents) used to post a confident, wrong link. A specific word makes it answerable.
    let answerer = reference_corpus();
    let vague = answerer.answer(&post("When are Quebec taxes due this year?"), 5);
    assert_eq!(vague.decision, Decision::None, "{:?}", vague.results.first());
    assert!(!vague.results.is_empty(), "candidates are still listed for the human agent");
    let specific = answerer.answer(&post("When is the solidarity tax credit paid this year?"), 5);
    assert_eq!(specific.decision, Decision::Answer);
    assert_eq!(
        specific.results[0].url,
        "https://aide.example.qc.ca/en/individuals/solidarity-credit/#payments"
    );
}
