#!/usr/bin/env bash
# The voice-activity test set (committed; regenerate with: bash tests/voix/sons/generer.sh, needs sox and espeak-ng).
# Noises that must not interrupt the bot nor end a caller's turn (bruit-*.wav), and French utterances with
# hesitation pauses shorter than the end-of-speech wait (parole-*.wav). All 8 kHz, 16-bit, mono, like the line.
set -euo pipefail
cd "$(dirname "$0")"
F="-r 8000 -b 16 -c 1"
# line clicks: 5 ms pulses at full scale, every 300 ms
sox -n $F /tmp/clic.wav synth 0.005 square 1000 vol 0.9 pad 0 0.295
sox /tmp/clic.wav $F bruit-clics.wav repeat 6
# breathing: band-limited pink noise, slow swell, twice
sox -n $F /tmp/souffle.wav synth 0.9 pinknoise vol 0.25 sinc 150-1800 fade q 0.35 0.9 0.4 pad 0 0.4
sox /tmp/souffle.wav $F bruit-respiration.wav repeat 1
# cough: two 250 ms bursts of white noise, sharp attack, quick decay, loud
sox -n $F /tmp/toux.wav synth 0.25 whitenoise vol 0.7 sinc 300-3400 fade t 0.005 0.25 0.2 pad 0 0.2
sox /tmp/toux.wav $F bruit-toux.wav repeat 1
# background talk: another person speaking 24 dB below a caller, over room noise
espeak-ng -v fr -s 160 -w /tmp/loin.wav "oui alors je lui ai dit qu'on passerait demain matin vers dix heures pour voir"
sox /tmp/loin.wav $F /tmp/loin8.wav vol -24 dB
sox -n $F /tmp/piece.wav synth "$(soxi -D /tmp/loin8.wav)" brownnoise vol 0.01
sox -m /tmp/loin8.wav /tmp/piece.wav $F bruit-conversation-lointaine.wav
# line hiss: steady low noise, 2 s
sox -n $F bruit-souffle-ligne.wav synth 2 brownnoise vol 0.02
# door slam: a low thump, 120 ms
sox -n $F bruit-porte.wav synth 0.12 brownnoise vol 0.9 sinc -400 fade t 0.002 0.12 0.1 pad 0.1 0.3
# speech with hesitations (silences of 100 to 350 ms inside the turn, under the 400 ms end-of-speech wait)
i=0
for phrase in \
  'je voudrais <break time="300ms"/> euh <break time="250ms"/> savoir où en est mon dossier' \
  'mon numéro c est vingt-quatre <break time="200ms"/> cinquante-sept <break time="200ms"/> quatre-vingt-trois <break time="200ms"/> zéro un' \
  'bonjour <break time="200ms"/> c est pour signaler un nid de poule <break time="250ms"/> rue Victor Hugo' \
  'le douze mars <break time="200ms"/> mille neuf cent quatre-vingt-cinq' \
  'oui' \
  'je voudrais parler à un conseiller s il vous plaît <break time="150ms"/> merci'; do
  i=$((i + 1))
  espeak-ng -v fr -s 150 -m -w /tmp/p.wav "<speak>$phrase</speak>"
  sox /tmp/p.wav $F "parole-$i.wav"
done
rm -f /tmp/clic.wav /tmp/souffle.wav /tmp/toux.wav /tmp/loin.wav /tmp/loin8.wav /tmp/piece.wav /tmp/p.wav
