// anjian patrols: the 获取当前位置 button of the 巡查打卡 form. No inline scripts (strict CSP), no external host:
// the position comes from the phone (navigator.geolocation) into the form's hidden lat/lng inputs, and is sent
// with the form. Without this script, or without a position, the visit is recorded without a location.
(function () {
  "use strict";

  var box = document.querySelector("[data-geo]");
  if (!box) return;
  var button = box.querySelector("[data-geo-button]");
  var clear = box.querySelector("[data-geo-clear]");
  var status = box.querySelector("[data-geo-status]");
  var lat = box.querySelector("input[name=lat]");
  var lng = box.querySelector("input[name=lng]");
  if (!button || !clear || !status || !lat || !lng) return;

  function say(text, tone) {
    status.textContent = text;
    status.className = "form-text" + (tone ? " text-" + tone : "");
  }

  function forget() {
    lat.value = "";
    lng.value = "";
    clear.hidden = true;
    button.textContent = "获取当前位置";
  }

  // Browsers give the position only to a secure page (HTTPS, or the machine itself): say so instead of failing.
  if (!("geolocation" in navigator) || window.isSecureContext === false) {
    say(window.isSecureContext === false
      ? "当前页面不是 HTTPS 安全连接，浏览器不允许获取位置；可不记录位置直接登记。"
      : "此浏览器不支持获取位置；可不记录位置直接登记。", "body-secondary");
    return;
  }
  button.hidden = false;
  if (!lat.value) say("在单位现场点“获取当前位置”，可记录巡查位置（选填）。");

  var MESSAGES = {
    1: "未获得位置权限：请在浏览器或手机设置中允许本网站获取位置后重试；也可不记录位置直接登记。",
    2: "暂时无法获取位置（定位服务不可用，请打开手机的定位服务）；可稍后重试，或不记录位置直接登记。",
    3: "获取位置超时，请到信号较好的地方重试；也可不记录位置直接登记。"
  };

  button.addEventListener("click", function () {
    button.disabled = true;
    say("正在获取位置……");
    navigator.geolocation.getCurrentPosition(function (position) {
      var c = position.coords;
      button.disabled = false;
      if (!isFinite(c.latitude) || !isFinite(c.longitude) || Math.abs(c.latitude) > 90 || Math.abs(c.longitude) > 180) {
        forget();
        say("获取到的位置无效，请重试；也可不记录位置直接登记。", "danger");
        return;
      }
      lat.value = c.latitude.toFixed(6);
      lng.value = c.longitude.toFixed(6);
      clear.hidden = false;
      button.textContent = "重新获取位置";
      var accuracy = isFinite(c.accuracy) ? "（精度约 " + Math.round(c.accuracy) + " 米）" : "";
      say("已获取位置：纬度 " + lat.value + "，经度 " + lng.value + accuracy, "success");
    }, function (error) {
      button.disabled = false;
      forget();
      say(MESSAGES[error.code] || MESSAGES[2], "danger");
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  });

  clear.addEventListener("click", function () {
    forget();
    say("本次巡查不记录位置。");
  });
})();
