/* Guichet chat widget: talks to Rasa's socket.io channel (rasa-webchat protocol:
   session_request / session_confirm / user_uttered / bot_uttered), keeps the
   conversation across reloads (sessionStorage: cleared when the tab closes), and
   follows RGAA 4.1. Served by the console as /widget/guichet.js, after the
   socket.io client and the configuration (guichet/widget/service.py). */
(function (io, DEFAUTS) {
  "use strict";
  if (window.__guichetWidget) { return; }
  window.__guichetWidget = true;

  var script = document.currentScript || document.querySelector("script[data-guichet]");
  var donnees = (script && script.dataset) || {};
  var config = {
    serveur: donnees.serveur || DEFAUTS.serveur,
    commune: donnees.commune || DEFAUTS.commune,
    couleur: donnees.couleur || DEFAUTS.couleur,
    couleurTexte: donnees.couleurTexte || DEFAUTS.couleurTexte,
    premierMessage: donnees.premierMessage || DEFAUTS.premierMessage
  };

  // Interface strings (the answers themselves come from the bot).
  var TEXTES = {
    lanceur: "Une question ? Écrivez-nous",
    lanceurPrecision: " – ouvrir l'assistant en ligne de " + config.commune,
    titre: "Assistant en ligne — " + config.commune,
    fermer: "Fermer l'assistant",
    journal: "Conversation avec l'assistant",
    saisie: "Votre message",
    envoyer: "Envoyer",
    vous: "Vous",
    assistant: "Assistant",
    conseiller: "Conseiller",
    choix: "Réponses proposées",
    ecrit: "L'assistant écrit…",
    lent: "L'assistant met plus de temps que prévu à répondre…",
    connexionPerdue: "Connexion perdue. Reconnexion en cours… Vos messages seront envoyés dès le retour de la connexion.",
    connexionRetablie: "Connexion rétablie.",
    enAttente: "en attente d'envoi",
    rejoint: "Un conseiller a rejoint la conversation.",
    parti: "Le conseiller a quitté la conversation.",
    trop: "Votre message est trop long (5 000 caractères au plus).",
    nonLu: "(nouveau message)"
  };
  var CLE = "guichet.conversation";
  var LONGUEUR_MAX = 5000;

  // --- state kept across reloads ------------------------------------------------
  var etat = lire();
  function lire() {
    try {
      var brut = JSON.parse(window.sessionStorage.getItem(CLE) || "null");
      if (brut && Array.isArray(brut.messages)) { return brut; }
    } catch (e) { /* storage disabled or corrupted: start afresh */ }
    return { session: null, messages: [], ouvert: false, conseiller: false, attente: [], recus: 0 };
  }
  function sauver() {
    try { window.sessionStorage.setItem(CLE, JSON.stringify(etat)); } catch (e) { /* private mode */ }
  }

  // --- DOM ------------------------------------------------------------------------
  function el(nom, attributs, enfants) {
    var n = document.createElement(nom);
    Object.keys(attributs || {}).forEach(function (k) {
      if (k === "texte") { n.textContent = attributs[k]; } else { n.setAttribute(k, attributs[k]); }
    });
    (enfants || []).forEach(function (e) { n.appendChild(e); });
    return n;
  }

  var racine = el("div", { "class": "gw", id: "guichet-widget" });
  if (config.couleur) { racine.style.setProperty("--gw-action", config.couleur); }
  if (config.couleurTexte) { racine.style.setProperty("--gw-texte-action", config.couleurTexte); }
  var lanceur = el("button", { type: "button", "class": "gw-lanceur", "aria-expanded": "false",
    "aria-controls": "gw-fenetre" }, [
    el("span", { texte: TEXTES.lanceur }), el("span", { "class": "gw-invisible", texte: TEXTES.lanceurPrecision })
  ]);
  var titre = el("h2", { id: "gw-titre", texte: TEXTES.titre });
  var fermer = el("button", { type: "button", "class": "gw-fermer", "aria-label": TEXTES.fermer }, [
    el("span", { "aria-hidden": "true", texte: "✕" })
  ]);
  var statut = el("div", { "class": "gw-statut", role: "status", "aria-live": "polite", "aria-atomic": "true" });
  var journal = el("div", { "class": "gw-journal", role: "log", "aria-live": "polite", "aria-relevant": "additions",
    "aria-label": TEXTES.journal, tabindex: "0" });
  var champ = el("textarea", { id: "gw-message", name: "message", rows: "2", autocomplete: "off",
    maxlength: String(LONGUEUR_MAX) });
  var formulaire = el("form", { "class": "gw-saisie", novalidate: "" }, [
    el("label", { "for": "gw-message", "class": "gw-invisible", texte: TEXTES.saisie }),
    champ,
    el("button", { type: "submit", "class": "gw-envoyer", texte: TEXTES.envoyer })
  ]);
  var fenetre = el("section", { id: "gw-fenetre", "class": "gw-fenetre", role: "dialog", "aria-modal": "false",
    "aria-labelledby": "gw-titre" }, [
    el("header", { "class": "gw-entete" }, [titre, fermer]), statut, journal, formulaire
  ]);
  fenetre.hidden = true;
  racine.appendChild(lanceur);
  racine.appendChild(fenetre);

  // --- safe rendering: text nodes only; links for http(s), mailto and tel ----------
  var LIEN = /\[([^\]\n]{1,200})\]\(((?:https?:\/\/|mailto:|tel:)[^\s)]{1,2000})\)|((?:https?:\/\/)[^\s<>"')]{1,2000}[^\s<>"').,;:!?])|\*\*([^*\n]{1,500})\*\*/g;
  function rendreTexte(parent, texte) {
    String(texte).split("\n").forEach(function (ligne, i) {
      if (i > 0) { parent.appendChild(document.createElement("br")); }
      var dernier = 0, m;
      LIEN.lastIndex = 0;
      while ((m = LIEN.exec(ligne)) !== null) {
        parent.appendChild(document.createTextNode(ligne.slice(dernier, m.index)));
        if (m[4] !== undefined) {
          parent.appendChild(el("strong", { texte: m[4] }));
        } else {
          var lien = el("a", { href: m[2] || m[3], texte: m[1] || m[3] });
          if (/^https?:/.test(lien.getAttribute("href"))) {
            lien.setAttribute("target", "_blank");
            lien.setAttribute("rel", "noopener noreferrer");
            lien.appendChild(el("span", { "class": "gw-invisible", texte: " (nouvelle fenêtre)" }));
          }
          parent.appendChild(lien);
        }
        dernier = LIEN.lastIndex;
      }
      parent.appendChild(document.createTextNode(ligne.slice(dernier)));
    });
  }

  var compteur = 0;
  function afficher(message, anime) {
    var auteur = message.auteur;
    if (auteur === "evenement") {  // also announced once by the status region
      journal.appendChild(el("p", { "class": "gw-evenement", "aria-hidden": "true", texte: message.texte }));
      return;
    }
    var id = "gw-m" + (++compteur);
    var bulle = el("div", { "class": "gw-msg gw-msg--" + auteur, id: id });
    var nom = auteur === "usager" ? TEXTES.vous : auteur === "conseiller" ? TEXTES.conseiller : TEXTES.assistant;
    bulle.appendChild(el("span", { "class": "gw-auteur" + (auteur === "conseiller" ? "" : " gw-invisible"), texte: nom + " :" }));
    var corps = el("p", { id: id + "-texte" });
    rendreTexte(corps, message.texte || "");
    bulle.appendChild(corps);
    if (message.enAttente) {
      bulle.appendChild(el("span", { "class": "gw-attente", texte: "(" + TEXTES.enAttente + ")" }));
    }
    if (message.image && /^https?:\/\//.test(message.image)) {
      bulle.appendChild(el("img", { src: message.image, alt: "" }));
    }
    journal.appendChild(bulle);
    if (message.choix && message.choix.length && !message.choixUtilises) {
      var groupe = el("div", { "class": "gw-choix", role: "group", "aria-label": TEXTES.choix,
        "aria-describedby": id + "-texte" });
      message.choix.forEach(function (c) {
        var bouton = el("button", { type: "button", texte: c.titre });
        bouton.addEventListener("click", function () {
          message.choixUtilises = true;
          groupe.remove();
          envoyer(c.payload, c.titre);
        });
        groupe.appendChild(bouton);
      });
      bulle.appendChild(groupe);
    }
    if (anime !== false) { journal.scrollTop = journal.scrollHeight; }
  }

  function ajouter(message) {
    if (fenetre.hidden && message.auteur !== "usager") { nonLu(true); }
    etat.messages.push(message);
    if (etat.messages.length > 500) { etat.messages = etat.messages.slice(-500); }
    sauver();
    afficher(message);
  }

  var marqueNonLu = el("span", { "class": "gw-non-lu", texte: " " + TEXTES.nonLu });
  function nonLu(oui) {
    if (oui && !marqueNonLu.parentNode) { lanceur.appendChild(marqueNonLu); }
    if (!oui && marqueNonLu.parentNode) { marqueNonLu.remove(); }
  }

  function annoncer(texte, alerte) {
    statut.classList.toggle("gw-alerte", !!alerte);
    statut.textContent = "";
    if (texte) { statut.appendChild(document.createTextNode(texte)); }
  }

  var minuterieEcrit = null;
  function ecritEnCours(oui) {
    window.clearTimeout(minuterieEcrit);
    if (!oui) { if (statut.dataset.ecrit) { annoncer(""); delete statut.dataset.ecrit; } return; }
    if (etat.conseiller) { return; }
    statut.dataset.ecrit = "1";
    annoncer(TEXTES.ecrit);
    statut.appendChild(el("span", { "class": "gw-points", "aria-hidden": "true" },
      [el("span", { texte: "." }), el("span", { texte: "." }), el("span", { texte: "." })]));
    minuterieEcrit = window.setTimeout(function () { annoncer(TEXTES.lent); }, 15000);
  }

  // --- socket.io (Rasa's channel) ----------------------------------------------------
  var confirme = false;
  var socket = io(config.serveur, { path: "/socket.io", autoConnect: false, reconnectionDelayMax: 5000 });
  var perdue = false;

  socket.on("connect", function () {
    confirme = false;
    // recus: how many bot messages this conversation has shown; the server replays what came after (missed while away)
    socket.emit("session_request", { session_id: etat.session, recus: etat.session ? (etat.recus || 0) : 0 });
  });
  socket.on("session_confirm", function (donnees) {
    var id = typeof donnees === "string" ? donnees : donnees && donnees.session_id;
    if (!id) { return; }
    if (id !== etat.session) { etat.recus = 0; }  // a new conversation: nothing to replay
    etat.session = id;
    confirme = true;
    if (perdue) { perdue = false; annoncer(TEXTES.connexionRetablie); }
    var aEnvoyer = etat.attente.splice(0);
    sauver();
    aEnvoyer.forEach(function (m) { emettre(m); });
    if (aEnvoyer.length) { redessiner(); }
    if (!etat.messages.length && !etat.salue && etat.ouvert) { saluer(); }
  });
  socket.on("disconnect", function (raison) {
    confirme = false;
    if (raison !== "io client disconnect") { perdue = true; annoncer(TEXTES.connexionPerdue, true); }
  });
  socket.on("connect_error", function () {
    if (!perdue) { perdue = true; annoncer(TEXTES.connexionPerdue, true); }
  });
  socket.on("bot_uttered", function (m) {
    if (!m || typeof m !== "object") { return; }
    etat.recus = (etat.recus || 0) + 1;  // every message counts, shown or not (the server counts them alike)
    sauver();
    var evenement = m.guichet && m.guichet.evenement;
    if (evenement === "conseiller_rejoint") {
      etat.conseiller = true; ecritEnCours(false);
      ajouter({ auteur: "evenement", texte: TEXTES.rejoint });
      annoncer(TEXTES.rejoint);
      return;
    }
    if (evenement === "conseiller_parti") {
      etat.conseiller = false;
      ajouter({ auteur: "evenement", texte: TEXTES.parti });
      annoncer(TEXTES.parti);
      return;
    }
    var choix = (m.quick_replies || m.buttons || []).filter(function (b) { return b && b.title; })
      .map(function (b) { return { titre: String(b.title), payload: String(b.payload || b.title) }; });
    var image = m.attachment && m.attachment.payload && m.attachment.payload.src;
    if (!m.text && !choix.length && !image) { return; }
    ecritEnCours(false);
    ajouter({ auteur: etat.conseiller ? "conseiller" : "bot", texte: m.text ? String(m.text) : "", choix: choix,
      image: image || null });
  });

  function emettre(message) {
    var meta = { canal: "widget" };
    if (message.declencheur) { meta.declencheur = true; }  // not typed by the citizen (hidden from agents' transcript)
    socket.emit("user_uttered", { message: message.payload, session_id: etat.session, customData: meta });
    ecritEnCours(true);
  }

  function envoyer(payload, texteAffiche) {
    var message = { payload: payload, declencheur: texteAffiche === null };
    if (texteAffiche !== null) {
      ajouter({ auteur: "usager", texte: texteAffiche, enAttente: !confirme });
    }
    if (confirme) { emettre(message); } else { etat.attente.push(message); sauver(); }
  }

  function saluer() {
    etat.salue = true;
    sauver();
    if (config.premierMessage) { envoyer(config.premierMessage, null); }
  }

  function redessiner() {
    etat.messages.forEach(function (m) { m.enAttente = false; });
    sauver();
    journal.textContent = "";
    etat.messages.forEach(function (m) { afficher(m, false); });
    journal.scrollTop = journal.scrollHeight;
  }

  // --- open / close / keyboard -----------------------------------------------------------
  function ouvrir() {
    nonLu(false);
    fenetre.hidden = false;
    lanceur.setAttribute("aria-expanded", "true");
    lanceur.hidden = true;
    etat.ouvert = true;
    sauver();
    champ.focus();
    journal.scrollTop = journal.scrollHeight;
    if (!socket.connected) { socket.connect(); } else if (!etat.messages.length && !etat.salue) { saluer(); }
  }
  function fermerFenetre() {
    fenetre.hidden = true;
    lanceur.hidden = false;
    lanceur.setAttribute("aria-expanded", "false");
    etat.ouvert = false;
    sauver();
    lanceur.focus();
  }
  lanceur.addEventListener("click", ouvrir);
  fermer.addEventListener("click", fermerFenetre);
  fenetre.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { e.preventDefault(); fermerFenetre(); }
  });
  champ.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); formulaire.requestSubmit(); }
  });
  formulaire.addEventListener("submit", function (e) {
    e.preventDefault();
    var texte = champ.value.replace(/\s+/g, " ").trim();
    if (!texte) { champ.focus(); return; }
    if (texte.length > LONGUEUR_MAX) { annoncer(TEXTES.trop, true); return; }
    champ.value = "";
    envoyer(texte, texte);
    champ.focus();
  });

  function demarrer() {
    document.body.appendChild(racine);
    redessiner();
    if (etat.conseiller) { annoncer(TEXTES.rejoint); }
    if (etat.ouvert) {
      fenetre.hidden = false; lanceur.hidden = true; lanceur.setAttribute("aria-expanded", "true");
      socket.connect();
    } else if (etat.session) {
      socket.connect(); // keep receiving an agent's replies while the panel is closed
    }
  }
  if (document.body) { demarrer(); } else { document.addEventListener("DOMContentLoaded", demarrer); }
})(window.__guichetIo, window.__guichetDefauts);
