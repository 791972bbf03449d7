/* Cards for the web chat page: a center (distance, address, phone, today's hours in words, a
   big tap-to-call button, a map link), a lecture or lesson (date in words, place, 提醒我), a guide
   step (第2步/共7步 and its picture). The fields are documented in docs/web.md ("Reply JSON").

     var cards = window.LelingCards(t, el, onRemind);   // onRemind(cardNode, title, payload)
     node.appendChild(cards.itemCard(item)); node.appendChild(cards.guideCard(reply.guide));
*/
window.LelingCards = function (t, el, onRemind) {
  "use strict";

  function fact(list, label, value) {
    if (!value) return;
    var row = el("div");
    row.appendChild(el("dt", "", label));
    row.appendChild(el("dd", "", value));
    list.appendChild(row);
  }

  function linkButton(href, text, cls) {
    var a = el("a", "btn " + (cls || ""), text);
    a.href = href;
    if (/^https?:/.test(href)) { a.target = "_blank"; a.rel = "noopener noreferrer"; }
    return a;
  }

  function itemCard(item) {
    var c = item.card;
    var card = el("section", "card card-" + item.type);
    card.appendChild(el("h3", "", c.title));
    var facts = el("dl", "facts");
    if (item.type === "center") {
      fact(facts, t("distance"), c.distance);
      fact(facts, t("address"), c.address);
      fact(facts, t("phone"), c.phone);
      card.appendChild(facts);
      var hours = el("p", c.open_now ? "open-yes" : c.open_now === false ? "open-no" : "", c.hours);
      card.appendChild(hours);
      if (c.accessible) card.appendChild(el("p", "", t("accessible")));
      var actions = el("div", "actions");
      if (c.tel) {
        actions.appendChild(linkButton(c.tel, t("call") + " " + c.phone, "btn-main btn-primary"));
      }
      if (c.map_url) actions.appendChild(linkButton(c.map_url, t("map"), "btn-main"));
      card.appendChild(actions);
      return card;
    }
    if (c.cancelled) card.appendChild(el("p", "open-no", t("cancelled")));
    fact(facts, t("when"), c.when);
    if (c.repeat) fact(facts, "", "（" + c.repeat + "）");
    fact(facts, t("length"), c.length);
    fact(facts, t("speaker"), c.speaker);
    fact(facts, t("place"), c.place);
    fact(facts, t("address"), c.address);
    card.appendChild(facts);
    var acts = el("div", "actions");
    if (c.remind) {
      var remind = el("button", "btn btn-main btn-primary", t("remind"));
      remind.type = "button";
      remind.setAttribute("aria-label", t("remind") + "：" + c.title);
      remind.addEventListener("click", function () {
        if (onRemind(card, c.title, c.remind)) remind.disabled = true;
      });
      acts.appendChild(remind);
    }
    if (c.tel) acts.appendChild(linkButton(c.tel, t("call") + " " + c.phone, "btn-main"));
    if (c.online_url) acts.appendChild(linkButton(c.online_url, t("online_link"), "btn-main"));
    card.appendChild(acts);
    return card;
  }

  function guideCard(guide) {
    var card = el("section", "card card-guide");
    if (guide.title) card.appendChild(el("h3", "", guide.title));
    card.appendChild(el("p", "step", guide.label || (guide.step + "/" + guide.total)));
    if (guide.image_url) {
      var img = el("img");
      img.src = guide.image_url;
      img.alt = guide.label || "";
      card.appendChild(img);
    }
    return card;
  }

  return { itemCard: itemCard, guideCard: guideCard };
};
