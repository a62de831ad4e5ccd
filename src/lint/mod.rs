//! Body and URL checks that predict a failed signature before sending. Pure.
