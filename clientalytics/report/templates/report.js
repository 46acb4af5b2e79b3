(function(){
"use strict";
function value(cell){var v=cell.getAttribute("data-v");var n=parseFloat(v);return {n:n,s:v,num:v!==""&&!isNaN(n)&&isFinite(v)};}
function collapse(box){var top=parseInt(box.getAttribute("data-top")||"0",10);var rows=box.querySelectorAll("tbody tr");for(var i=0;i<rows.length;i++){rows[i].classList.toggle("extra",i>=top);}}
document.querySelectorAll("table.sortable").forEach(function(table){
var heads=table.querySelectorAll("thead th");
heads.forEach(function(th,col){th.addEventListener("click",function(){
var asc=th.getAttribute("aria-sort")!=="ascending";
heads.forEach(function(h){h.removeAttribute("aria-sort");});
th.setAttribute("aria-sort",asc?"ascending":"descending");
var body=table.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
rows.sort(function(a,b){var x=value(a.cells[col]),y=value(b.cells[col]);
if(x.s===""&&y.s!==""){return 1;} if(y.s===""&&x.s!==""){return -1;}
var c=(x.num&&y.num)?(x.n-y.n):x.s.localeCompare(y.s);return asc?c:-c;});
rows.forEach(function(r){body.appendChild(r);});
var box=table.closest(".tbl");if(box){collapse(box);}
});});});
document.querySelectorAll("button.more").forEach(function(button){button.addEventListener("click",function(){
var box=button.closest(".tbl");var open=box.classList.toggle("open");
button.textContent=button.getAttribute(open?"data-less":"data-more");});});
})();
