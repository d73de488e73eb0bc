/* Agents' console: live queue and conversation pages. Everything from the server is
   rendered with textContent (no HTML from citizens, the bot or agents is ever parsed). */
(function () {
  "use strict";
  var corps = document.body;
  var PAGE = corps.dataset.page;

  function el(nom, texte, classe) {
    var n = document.createElement(nom);
    if (texte !== undefined && texte !== null) { n.textContent = String(texte); }
    if (classe) { n.className = classe; }
    return n;
  }
  function duree(s) {
    var m = Math.floor(s / 60), h = Math.floor(m / 60);
    return h ? h + " h " + (m % 60) + " min" : m ? m + " min " + (s % 60) + " s" : s + " s";
  }
  var LIBELLES = {
    conversation: "Conversation", rappel: "Demande de rappel", en_attente: "En attente", prise: "Prise en charge",
    rendue: "Rendue à l'assistant", close: "Close", socketio: "Chat (portail)", rest: "Chat (API)", voix: "Téléphone",
    confirmee: "Identité vérifiée", refusee: "Vérification échouée", verrouille: "Dossier verrouillé (trop d'essais)",
    indisponible: "Vérification impossible (service indisponible)", matin: "le matin", apres_midi: "l'après-midi",
    indifferent: "indifférent", usager: "Usager", bot: "Assistant", conseiller: "Conseiller"
  };
  function libelle(v) { return v === null || v === undefined ? "—" : (LIBELLES[v] || String(v)); }

  async function api(chemin, options) {
    var reponse = await fetch(chemin, Object.assign({ credentials: "same-origin", headers: { "Content-Type": "application/json" } }, options || {}));
    if (reponse.status === 401) { window.location.assign("/connexion"); throw new Error("session"); }
    var donnees = await reponse.json().catch(function () { return {}; });
    if (!reponse.ok) { var e = new Error(donnees.erreur || "Erreur " + reponse.status); e.metier = true; throw e; }
    return donnees;
  }

  // --- queue -------------------------------------------------------------------------
  // Pushed by the server (server-sent events, /api/file/flux) as it changes; polling only if the stream cannot
  // be opened. A new request waiting makes a short sound (which can be turned off, remembered on this browser)
  // and shows its count in the tab's title until the agent comes back to the page.
  function file() {
    var corpsTable = document.querySelector("#file tbody"), etat = document.getElementById("etat-file");
    var bouton = document.getElementById("son"), titre = document.title;
    var dernierNombre = null, vues = null, nouvelles = 0, audio = null;
    var muet = window.localStorage.getItem("guichet-son") === "coupe";
    function afficherSon() {
      bouton.setAttribute("aria-pressed", muet ? "true" : "false");
      bouton.textContent = muet ? "Son des nouvelles demandes : coupé" : "Son des nouvelles demandes : activé";
    }
    bouton.addEventListener("click", function () {
      muet = !muet;
      window.localStorage.setItem("guichet-son", muet ? "coupe" : "actif");
      afficherSon();
    });
    afficherSon();
    function sonner() {
      corps.dataset.alertes = String(Number(corps.dataset.alertes || "0") + 1);
      if (muet) { return; }
      try {
        audio = audio || new (window.AudioContext || window.webkitAudioContext)();
        var o = audio.createOscillator(), g = audio.createGain();
        o.frequency.value = 880; g.gain.value = 0.08;
        o.connect(g); g.connect(audio.destination);
        o.start(); o.stop(audio.currentTime + 0.25);
      } catch (e) { /* no audio device: the title still tells */ }
    }
    function vu() { nouvelles = 0; document.title = titre; }
    ["focus", "click", "keydown"].forEach(function (nom) { window.addEventListener(nom, vu); });
    function afficher(d) {
      if (d.erreur) { etat.textContent = d.erreur; return; }
      corpsTable.textContent = "";
      d.escalades.forEach(function (e) {
        var tr = document.createElement("tr");
        var td = document.createElement("td"), a = el("a", e.reference);
        a.href = "/conversations/" + encodeURIComponent(e.reference);
        td.appendChild(a); tr.appendChild(td);
        var intention = e.intention_libelle || e.intention;
        var demande = e.type === "rappel" ? "Rappeler le " + (e.telephone || "?") + " (" + libelle(e.creneau) + ")"
          : (e.numero_appelant ? "Appelant : " + e.numero_appelant + ". " : "") + (intention ? "Dernière demande : " + intention : "");
        [libelle(e.type), libelle(e.canal), duree(e.attente_s), libelle(e.etat), e.conseiller || "—", demande].forEach(function (v) {
          tr.appendChild(el("td", v));
        });
        corpsTable.appendChild(tr);
      });
      if (!d.escalades.length) { var vide = el("td", "Aucune demande en attente."); vide.colSpan = 7; var l = document.createElement("tr"); l.appendChild(vide); corpsTable.appendChild(l); }
      var enAttente = d.escalades.filter(function (e) { return e.etat === "en_attente"; });
      var texte = enAttente.length + " demande(s) en attente" + (d.total > d.escalades.length
        ? " parmi les " + d.escalades.length + " plus anciennes ; " + d.total + " demandes ouvertes au total." : ".");
      if (texte !== dernierNombre) { etat.textContent = texte; dernierNombre = texte; }
      var references = enAttente.map(function (e) { return e.reference; });
      if (vues !== null) {
        var arrivees = references.filter(function (r) { return vues.indexOf(r) < 0; }).length;
        if (arrivees) {
          nouvelles += arrivees;
          document.title = "(" + nouvelles + " nouvelle" + (nouvelles > 1 ? "s" : "") + ") " + titre;
          sonner();
        }
      }
      vues = references;
    }
    async function interroger() {
      try { afficher(await api("/api/file")); }
      catch (e) {
        if (e.message !== "session") { etat.textContent = e.metier ? e.message : "Connexion à la console perdue, nouvel essai…"; }
      }
    }
    var echecs = 0, scrutation = null;
    function scruter() { if (!scrutation) { interroger(); scrutation = window.setInterval(interroger, 2000); } }
    if (!window.EventSource) { scruter(); return; }
    var flux = new EventSource("/api/file/flux");
    flux.addEventListener("file", function (m) { echecs = 0; afficher(JSON.parse(m.data)); });
    flux.addEventListener("session", function () { flux.close(); window.location.assign("/connexion"); });
    flux.onerror = function () {
      echecs += 1;
      if (echecs >= 3) { flux.close(); scruter(); }  // the stream cannot be kept (a proxy): the page asks instead
      else { etat.textContent = "Connexion à la console perdue, nouvel essai…"; }
    };
  }

  // --- one conversation --------------------------------------------------------------
  function conversation() {
    var reference = corps.dataset.reference, moi = corps.dataset.identifiant;
    var etat = document.getElementById("etat-action"), liste = document.getElementById("transcription");
    var boutons = { prendre: document.getElementById("prendre"), rendre: document.getElementById("rendre"), clore: document.getElementById("clore") };
    var formulaire = document.getElementById("repondre"), champ = document.getElementById("message");
    var tours = 0, derniere = null;

    function definitions(dl, paires) {
      dl.textContent = "";
      paires.forEach(function (p) { dl.appendChild(el("dt", p[0])); dl.appendChild(el("dd", p[1] === null || p[1] === undefined || p[1] === "" ? "—" : p[1])); });
    }
    function valeur(v) { return typeof v === "object" && v !== null ? JSON.stringify(v) : String(v); }

    function afficher(d) {
      derniere = d;
      definitions(document.getElementById("contexte"), [
        ["Référence donnée à l'usager", d.reference], ["Type", libelle(d.type)], ["Canal", libelle(d.canal)],
        ["État", libelle(d.etat) + (d.conseiller ? " (" + d.conseiller + ")" : "")], ["Attente", duree(d.attente_s)],
        ["Vérification d'identité", d.verification_identite ? libelle(d.verification_identite) : "Non demandée"],
        ["Numéro de l'appelant", d.numero_appelant], ["Rappel demandé", d.type === "rappel" ? (d.telephone + ", " + libelle(d.creneau)) : null],
        ["Assistant", d.bot_en_pause === null ? "état inconnu (assistant injoignable)" : d.bot_en_pause ? "en pause" : "actif"]
      ]);
      var intentions = document.getElementById("intentions");
      intentions.textContent = "";
      d.intentions.forEach(function (i) { intentions.appendChild(el("li", (i.libelle || i.intention) + " (" + Math.round((i.confiance || 0) * 100) + " %)")); });
      definitions(document.getElementById("slots"), Object.keys(d.slots).map(function (k) { return [k, valeur(d.slots[k])]; }));
      var dossier = document.getElementById("dossier");
      dossier.textContent = "";
      if (d.dossier) {
        var dl = document.createElement("dl");
        definitions(dl, Object.keys(d.dossier).map(function (k) { return [k, valeur(d.dossier[k])]; }));
        dossier.appendChild(dl);
      } else { dossier.appendChild(el("p", "Aucun dossier consulté avec identité vérifiée.")); }
      if (d.transcription.length < tours) { liste.textContent = ""; tours = 0; }
      d.transcription.slice(tours).forEach(function (t) {
        var li = el("li", null, t.auteur);
        var meta = libelle(t.auteur) + " · " + new Date(t.horodatage * 1000).toLocaleTimeString("fr-FR");
        if (t.intention) { meta += " · " + t.intention + " " + Math.round((t.confiance || 0) * 100) + " %"; }
        li.appendChild(el("div", meta, "meta"));
        li.appendChild(el("div", t.texte));
        liste.appendChild(li);
      });
      tours = d.transcription.length;
      var tenue = d.etat === "prise" && d.conseiller === moi;
      boutons.prendre.disabled = d.etat !== "en_attente";
      boutons.rendre.disabled = !tenue || !d.messages_possibles;
      boutons.clore.disabled = !tenue;
      formulaire.hidden = !d.messages_possibles;
      champ.disabled = !tenue;
      formulaire.querySelector("button").disabled = !tenue;
    }

    async function rafraichir() {
      try { afficher(await api("/api/conversations/" + encodeURIComponent(reference))); }
      catch (e) { if (e.message !== "session") { etat.textContent = e.metier ? e.message : "Connexion à la console perdue, nouvel essai…"; } }
    }
    async function agir(action, corpsRequete, message) {
      try {
        await api("/api/conversations/" + encodeURIComponent(reference) + "/" + action,
          { method: "POST", body: JSON.stringify(corpsRequete || {}) });
        etat.textContent = message;
        await rafraichir();
        return true;
      } catch (e) { if (e.message !== "session") { etat.textContent = e.metier ? e.message : "Action impossible : connexion perdue."; } return false; }
    }
    boutons.prendre.addEventListener("click", async function () {
      if (await agir("prendre", null, "Vous avez pris la conversation en charge : l'assistant est en pause.")) { if (!champ.disabled) { champ.focus(); } }
    });
    boutons.rendre.addEventListener("click", function () { agir("rendre", null, "L'assistant a repris la conversation."); });
    boutons.clore.addEventListener("click", function () { agir("clore", null, "Conversation close : l'usager reçoit la question de satisfaction."); });
    formulaire.addEventListener("submit", async function (e) {
      e.preventDefault();
      var texte = champ.value.trim();
      if (!texte) { etat.textContent = "Le message est vide."; champ.focus(); return; }
      if (await agir("repondre", { texte: texte }, "Message envoyé.")) { champ.value = ""; champ.focus(); }
    });
    champ.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); formulaire.requestSubmit(); }
    });
    rafraichir();
    window.setInterval(rafraichir, 1500);
  }

  if (PAGE === "file") { file(); } else if (PAGE === "conversation") { conversation(); }
})();
