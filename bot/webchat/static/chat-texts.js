/* The web chat page's own words, Mandarin and English (the conversation's words come from the
   server). Loaded before chat.js. */
"use strict";
window.LELING_UI = {
  zh: {
    brand: "乐龄伴学", bigger: "大字", sizes: ["标准", "大", "特大"], size_is: "字号：",
    other_lang: "English", other_lang_code: "en",
    send: "发送", home: "回首页", human: "找人帮忙", send_location: "发送我的位置",
    placeholder: "在这里打字问我", input_label: "输入您的问题", skip: "跳到输入框",
    conversation: "对话", thinking: "正在想，请稍等…", got_it: "知道了", always: "常用",
    you: "您说", leling: "乐龄伴学", reminder: "提醒", listen: "听", listen_label: "，朗读这条回复",
    stop: "停止朗读", chosen: "您选了：", options: "可以选择：",
    inbox_title: "您有{n}条提醒", full_text: "看全文",
    address: "地址：", phone: "电话：", distance: "距离：", when: "时间：", place: "地点：",
    repeat: "", length: "时长：", speaker: "主讲：", online: "线上：", level: "难度：",
    call: "打电话", map: "看地图", remind: "提醒我", online_link: "打开直播链接",
    open_yes: "现在开着", accessible: "无障碍设施：有", cancelled: "已取消",
    call_nearest: "打给",
    no_voice: "这个浏览器不能朗读。您可以把字调大一些来看。",
    loc_asking: "正在获取您的位置…",
    loc_denied: "没关系，不用位置也可以。请告诉我您在哪个区，或者附近有什么地标，比如“天坛附近”。",
    loc_unavailable: "这个浏览器暂时拿不到位置。请告诉我您在哪个区，或者附近有什么地标。",
    offline: "网络好像断了。请检查一下网络，再点一次“发送”。您刚才的话还在输入框里。",
    too_long: "您的话有点长，请分成几句短话发给我。"
  },
  en: {
    brand: "Leling", bigger: "Bigger text", sizes: ["normal", "large", "largest"], size_is: "Text size: ",
    other_lang: "中文", other_lang_code: "zh",
    send: "Send", home: "Home", human: "Get help", send_location: "Send my location",
    placeholder: "Type your question here", input_label: "Your question", skip: "Skip to the input",
    conversation: "Conversation", thinking: "Thinking, one moment…", got_it: "Got it", always: "Always here",
    you: "You said", leling: "Leling", reminder: "Reminder", listen: "Listen", listen_label: ", read this reply aloud",
    stop: "Stop reading", chosen: "You chose: ", options: "Choices:",
    inbox_title: "You have {n} reminder(s)", full_text: "Show all the text",
    address: "Address: ", phone: "Phone: ", distance: "Distance: ", when: "When: ", place: "Where: ",
    repeat: "", length: "Length: ", speaker: "Speaker: ", online: "Online: ", level: "Level: ",
    call: "Call", map: "Map", remind: "Remind me", online_link: "Open the live link",
    open_yes: "open now", accessible: "Step-free access: yes", cancelled: "cancelled",
    call_nearest: "Call",
    no_voice: "This browser cannot read aloud. You can make the text bigger instead.",
    loc_asking: "Getting your location…",
    loc_denied: "That is fine. Please tell me your district or a landmark near you, such as “near the Temple of Heaven”.",
    loc_unavailable: "This browser cannot get your location now. Please tell me your district or a landmark near you.",
    offline: "The network seems to be down. Please check it and tap “Send” again. Your words are still in the box.",
    too_long: "That is a bit long. Please send it as a few short messages."
  }
};
