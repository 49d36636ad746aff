//! Question types: does a post ask for a date, an amount, who is eligible, how or why?
//!
//! Posts and question headings often share the type of question without sharing a word ("due
//! quand?" and "Quelle est la date limite...?", "combien max?" and "Comment le crédit est-il
//! calculé?"). The types and their words per language live in `intents.toml`; matching is done
//! on folded text (lower case, no accents), so authors and posts may write accents or not.

use std::sync::LazyLock;

use serde::Deserialize;

use crate::fold::fold;

use super::patterns::Rule;

/// The question types a text asks, one bit per type of `intents.toml` (at most 32).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IntentSet(u32);

impl IntentSet {
    /// Whether the two texts ask at least one type of question in common.
    pub fn shares(self, other: IntentSet) -> bool {
        self.0 & other.0 != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

#[derive(Debug, Deserialize)]
struct IntentsFile {
    intent: Vec<IntentFile>,
}

#[derive(Debug, Deserialize)]
struct IntentFile {
    name: String,
    #[serde(default)]
    fr: Vec<String>,
    #[serde(default)]
    en: Vec<String>,
    /// Phrases that use a word of the type without asking for it ("quand même"), per language.
    #[serde(default)]
    except_fr: Vec<String>,
    #[serde(default)]
    except_en: Vec<String>,
}

/// One compiled question type.
#[derive(Debug)]
struct Intent {
    name: String,
    fr: Rule,
    en: Rule,
    except_fr: Rule,
    except_en: Rule,
}

/// The compiled table of question types.
#[derive(Debug)]
pub struct Intents {
    intents: Vec<Intent>,
}

/// The built-in table.
pub static INTENTS: LazyLock<Intents> =
    LazyLock::new(|| Intents::parse(include_str!("intents.toml")).expect("intents.toml is valid"));

impl Intents {
    /// Parses and compiles a table of question types.
    pub fn parse(text: &str) -> anyhow::Result<Intents> {
        let file: IntentsFile = toml::from_str(text)?;
        anyhow::ensure!(file.intent.len() <= 32, "at most 32 question types, found {}", file.intent.len());
        let intents = file
            .intent
            .iter()
            .map(|i| {
                Ok(Intent {
                    name: i.name.clone(),
                    fr: Rule::compile(&i.fr)?,
                    en: Rule::compile(&i.en)?,
                    except_fr: Rule::compile(&i.except_fr)?,
                    except_en: Rule::compile(&i.except_en)?,
                })
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(Intents { intents })
    }

    /// The question types `text`, written in `lang`, asks. Languages without patterns ask none.
    pub fn of(&self, text: &str, lang: &str) -> IntentSet {
        let folded = fold(text);
        let mut set = 0u32;
        for (bit, intent) in self.intents.iter().enumerate() {
            let (patterns, except) = match lang {
                "fr" => (&intent.fr, &intent.except_fr),
                "en" => (&intent.en, &intent.except_en),
                _ => continue,
            };
            if patterns.is_match_except(&folded, except) {
                set |= 1 << bit;
            }
        }
        IntentSet(set)
    }

    /// Names of the types in a set, for diagnostics.
    pub fn names(&self, set: IntentSet) -> Vec<&str> {
        let bits = self.intents.iter().enumerate();
        bits.filter(|(bit, _)| set.0 & (1 << bit) != 0).map(|(_, i)| i.name.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str, lang: &str) -> Vec<String> {
        INTENTS.names(INTENTS.of(text, lang)).into_iter().map(String::from).collect()
    }

    #[test]
    fn a_post_and_a_heading_without_common_words_ask_for_the_same_date() {
        let post = INTENTS.of("TPS/TVQ trimestrielle oct-déc, due quand?", "fr");
        let heading = INTENTS.of("Quelle est la date limite pour produire ma déclaration?", "fr");
        assert!(post.shares(heading));
        assert_eq!(names("When are instalments due?", "en"), ["date"]);
    }

    #[test]
    fn conditions_and_requirements_ask_who_is_eligible() {
        let heading = INTENTS.of("Qui a droit à la prime au travail?", "fr");
        assert!(
            INTENTS.of("c'est quoi les conditions pour avoir la prime au travail?", "fr").shares(heading)
        );
        assert!(INTENTS.of("critères d'admissibilité?", "fr").shares(heading));
        let heading = INTENTS.of("Who is eligible for the work premium?", "en");
        assert!(INTENTS.of("what are the requirements for the work premium?", "en").shares(heading));
    }

    #[test]
    fn a_refund_kept_for_a_debt_is_one_type_but_not_tax_withheld_from_a_pay() {
        let heading = INTENTS.of("Pourquoi mon remboursement a-t-il été retenu ou réduit?", "fr");
        assert!(
            INTENTS.of("RQ peut-tu garder mon retour si je dois aux prêts et bourses?", "fr").shares(heading)
        );
        assert!(
            !INTENTS.of("Quelles retenues l'employeur fait-il sur les pourboires?", "fr").shares(heading)
        );
        let heading = INTENTS.of("Why was my refund withheld or reduced?", "en");
        assert!(INTENTS.of("can they keep my refund if I owe student loans?", "en").shares(heading));
        assert!(!INTENTS.of("Is enough tax withheld from my retirement income?", "en").shares(heading));
    }

    #[test]
    fn getting_a_credit_before_tax_time_is_one_type_but_monthly_alone_is_not() {
        let heading = INTENTS.of("Comment recevoir le crédit par versements anticipés?", "fr");
        assert!(
            INTENTS.of("on peut-tu l'avoir au lieu d'attendre le rapport d'impôt?", "fr").shares(heading)
        );
        assert!(!INTENTS.of("le crédit solidarité, c'est-tu chaque mois?", "fr").shares(heading));
        let heading = INTENTS.of("Can I get the work premium in advance payments?", "en");
        assert!(INTENTS.of("can it be paid instead of waiting for my return?", "en").shares(heading));
        assert!(!INTENTS.of("is the solidarity credit paid monthly?", "en").shares(heading));
    }

    #[test]
    fn what_is_with_a_possessive_asks_for_no_definition() {
        assert!(names("c'est quoi mes obligations avec vous autres?", "fr").is_empty());
        assert!(names("C'est quoi nos obligations si on loue le chalet?", "fr").is_empty());
        assert_eq!(names("c'est quoi la taxe d'hébergement?", "fr"), ["definition"]);
    }

    #[test]
    fn how_long_asks_for_a_time_limit() {
        let post = INTENTS.of("On a combien de jours pour contester?", "fr");
        assert!(post.shares(INTENTS.of("Quel est le délai pour présenter une opposition?", "fr")));
        assert!(names("How long do I have to object?", "en").contains(&"date".to_string()));
        assert!(names("How many weeks before I get it?", "en").contains(&"date".to_string()));
    }

    #[test]
    fn quand_meme_and_due_to_ask_for_no_date() {
        assert!(names("Dois-je payer quand même si je conteste?", "fr").is_empty());
        assert_eq!(names("Je dois payer quand même? C'est quand la date?", "fr"), ["date"]);
        assert!(!names("My refund is late due to a mistake on my part", "en").contains(&"date".to_string()));
        assert_eq!(names("When is the balance due?", "en"), ["date"]);
        assert_eq!(names("c'est payé quel jour du mois?", "fr"), ["date"]);
    }

    #[test]
    fn a_definition_is_asked_in_many_ways_but_not_by_any_what() {
        let heading = INTENTS.of("Qu'est-ce que la taxe sur l'hébergement?", "fr");
        assert!(INTENTS.of("c'est quoi la taxe d'hébergement au juste", "fr").shares(heading));
        assert!(INTENTS.of("ça veut dire quoi, hébergement?", "fr").shares(heading));
        assert!(names("what's a small supplier", "en").contains(&"definition".to_string()));
        assert!(names("What does RL-1 stand for?", "en").contains(&"definition".to_string()));
        assert!(!names("What are the conditions?", "en").contains(&"definition".to_string()));
    }

    #[test]
    fn something_that_did_not_come_is_one_type_in_any_words() {
        let heading = INTENTS.of("Je n'ai pas reçu mon relevé. Que faire?", "fr");
        assert!(INTENTS.of("mon remboursement est toujours pas rentré", "fr").shares(heading));
        assert!(INTENTS.of("j'ai jamais eu mon feuillet", "fr").shares(heading));
        let heading = INTENTS.of("I did not receive my payment. Why?", "en");
        assert!(INTENTS.of("my cheque still hasn't shown up", "en").shares(heading));
        assert!(INTENTS.of("the slip is missing from my mail", "en").shares(heading));
        assert!(!INTENTS.of("I received my payment, thanks", "en").shares(heading));
    }

    /// Whether a post and a heading written in `lang` ask a type of question in common.
    fn meet(post: &str, heading: &str, lang: &str) -> bool {
        INTENTS.of(post, lang).shares(INTENTS.of(heading, lang))
    }

    #[test]
    fn nothing_to_report_fixing_a_mistake_and_sharing_are_types() {
        let pairs = [
            (
                "ma compagnie n'a eu aucun revenu cette année",
                "Une société inactive doit-elle produire?",
                "fr",
            ),
            ("zero sales this quarter, do we still file?", "Do I have to file a nil return?", "en"),
            (
                "j'ai oublié un reçu dans ma déclaration",
                "Comment corriger une déclaration déjà produite?",
                "fr",
            ),
            ("can my brother and I split it?", "How is the credit shared between caregivers?", "en"),
        ];
        for (post, heading, lang) in pairs {
            assert!(meet(post, heading, lang), "{post} / {heading}");
        }
        assert!(names("Peut-on le partager entre nous deux?", "fr").contains(&"share".to_string()));
    }

    #[test]
    fn two_people_claiming_together_and_a_slip_withheld_are_types() {
        let heading =
            INTENTS.of("Plusieurs personnes aident le même proche. Comment partager le crédit?", "fr");
        assert!(INTENTS.of("ma soeur pis moi, on peut-tu les deux le demander?", "fr").shares(heading));
        assert!(meet("Can we both claim the caregiver credit?", "How is the credit shared?", "en"));
        assert!(!names("Les deux parents travaillent, on a droit?", "fr").contains(&"share".to_string()));
        assert!(!names("Both parents work full time", "en").contains(&"share".to_string()));
        let heading = INTENTS.of("Je n'ai pas reçu mon relevé 31. Que faire?", "fr");
        assert!(INTENTS.of("Mon proprio refuse de me donner mon RL-31", "fr").shares(heading));
        let heading = INTENTS.of("I did not receive my RL-31 slip. What should I do?", "en");
        assert!(INTENTS.of("My landlord still hasn't given me my RL-31", "en").shares(heading));
    }

    #[test]
    fn the_best_time_is_a_date_and_closing_a_business_is_a_type() {
        assert!(meet(
            "Y a-tu un meilleur moment pour appeler?",
            "Quand les délais d'attente sont-ils les plus courts?",
            "fr"
        ));
        assert!(meet("What's the best time to call you?", "When are wait times shortest?", "en"));
        let heading = INTENTS.of("What should I do if my business stops paying wages?", "en");
        assert!(INTENTS.of("Closing my bakery in March, what about the RL-1s?", "en").shares(heading));
        let heading = INTENTS.of("Que faire si mon entreprise cesse de verser des salaires?", "fr");
        assert!(
            INTENTS.of("Je ferme mon resto en mai, je fais quoi avec les relevés?", "fr").shares(heading)
        );
        assert!(names("Comment le crédit est-il calculé?", "fr").iter().all(|n| n != "closing"));
    }

    #[test]
    fn whether_a_tax_applies_is_a_type() {
        let heading = INTENTS.of("Quels séjours ne sont pas assujettis à la taxe sur l'hébergement?", "fr");
        assert!(INTENTS.of("La taxe s'applique-tu si je loue mon chalet 2 mois?", "fr").shares(heading));
        let heading = INTENTS.of("Which stays are not subject to the lodging tax?", "en");
        assert!(
            INTENTS.of("Do I need to charge the 3.5% lodging tax on a 3-month rental?", "en").shares(heading)
        );
        assert!(meet("Is my bursary taxable?", "Are my scholarships taxable?", "en"));
        // Penalties that apply "if" something happens are no question of being subject to a tax.
        assert!(
            !names("Quelles pénalités s'appliquent si les relevés sont en retard?", "fr")
                .contains(&"subject-to".to_string())
        );
    }

    #[test]
    fn someone_who_stops_paying_is_a_type() {
        let heading = INTENTS.of("Que se passe-t-il si le débiteur ne paie pas?", "fr");
        assert!(INTENTS.of("mon ex paie pu la pension depuis 3 mois", "fr").shares(heading));
        assert!(meet("My ex stopped paying child support", "What happens if the payer does not pay?", "en"));
        // Not being able to pay one's own balance is another question.
        assert!(!names("Je ne peux pas payer mon solde", "fr").contains(&"not-paid".to_string()));
    }

    #[test]
    fn applying_is_a_type_and_combien_de_temps_is_no_amount() {
        let heading = INTENTS.of("Faut-il demander le crédit?", "fr");
        assert!(INTENTS.of("ça me prend quoi pour le toucher?", "fr").shares(heading));
        assert!(meet("How do I claim it on my return?", "How do I apply?", "en"));
        assert_eq!(names("Ça prend combien de temps?", "fr"), ["date"]);
        assert!(names("Ça coûte combien?", "fr").contains(&"amount".to_string()));
    }

    #[test]
    fn accents_do_not_matter() {
        assert_eq!(names("À combien s'élève le crédit?", "fr"), ["amount"]);
        assert_eq!(names("A combien s'eleve le credit", "fr"), ["amount"]);
        assert_eq!(names("Comment le crédit est-il calculé?", "fr"), ["amount", "how"]);
    }

    #[test]
    fn types_are_read_in_the_text_language_only() {
        assert_eq!(names("Who is eligible?", "en"), ["who"]);
        assert!(INTENTS.of("Who is eligible?", "fr").is_empty());
        assert!(INTENTS.of("Le crédit pour solidarité", "fr").is_empty());
        assert!(!INTENTS.of("why", "en").shares(INTENTS.of("how do I apply", "en")));
    }
}
