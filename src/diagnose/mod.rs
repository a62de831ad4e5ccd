//! Why a signature fails: compares what was signed with what was sent. Pure.
