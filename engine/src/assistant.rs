//! The shopping assistant. So far its built-in language understanding ([`nlu`]): an intent
//! classifier trained from a labelled file in the repo and an entity extractor over the shop's
//! own vocabulary. The pipeline around it (context, router, agents, streaming) comes with the
//! rest of the assistant issue.

pub mod nlu;
