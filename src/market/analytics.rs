//! Analytics over postings (milestone 3).
